"""Delivery of the weekly digest: a webhook (Slack, Google Chat, Teams) and SMTP e-mail,
sent once per week and channel, with an outbox for the sends that failed.

Never imports Streamlit: `cli.py digest` runs it from cron or a CI schedule.
"""
