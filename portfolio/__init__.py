"""The domain of Ground Truth: the workbook contract, parsing, evidence and portfolio figures.

Pure Python and pandas; nothing here imports Streamlit or touches the network.
"""
