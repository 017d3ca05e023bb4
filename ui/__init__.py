"""Streamlit helpers shared by the pages: data loading, filters and the URL, charts, formatting."""
