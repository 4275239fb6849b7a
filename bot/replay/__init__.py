"""Replaying recorded intake calls through the assistant (`python -m bot replay PATH... --out DIR`).

transcripts.py  the three input formats -> Transcript, or TranscriptError(path, line, reason)
questions.py    which criterion an agent's question asks about (cues in bot/clinical/criteria.py)
replay.py       one transcript -> CallResult, through a parse function and the form's turn logic
nlu.py          the only module that imports Rasa: the trained model's NLU as a parse function
report.py       per-call JSON and HTML, the summary CSV, the agreement figures, the HTML report
runs.py         every run in SQLite (sqlite-utils)
batch.py        the batch driver: files -> worker processes -> outputs, streamed
"""
