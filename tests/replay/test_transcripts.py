"""Reading the three transcript formats, and reporting malformed files with path, line and reason."""

import json

import pytest

from bot.replay.transcripts import (
    Transcript,
    TranscriptError,
    normalize_disposition,
    read_dispositions,
    read_path,
    speaker_of,
)


def one(path):
    [item] = read_path(path)
    return item


def test_plain_text_with_timestamps_any_case_blank_and_continuation_lines(transcripts):
    call = one(transcripts / "ok" / "iop-stepdown.txt")
    assert isinstance(call, Transcript)
    assert call.call_id == "iop-stepdown"
    assert call.disposition == "iop"  # "# disposition: Intensive Outpatient"
    assert [t.speaker for t in call.turns[:4]] == ["agent", "caller", "agent", "caller"]
    assert call.turns[1].text.endswith("my wife thinks I need to get back into something.")  # continuation line
    assert call.turns[1].line == 3
    assert call.turns[3].text == "yeah, rehab, got out in march"
    assert call.turns[4].line == 8  # the blank line is skipped, line numbers are the file's


def test_plain_text_headers_and_label_variants(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("# call_id: A-9\n#disposition: detox\n00:01 - counselor: hello\n"
                    "(00:02:03) Client: I drink daily\nlike: every day\n[2024-05-01 10:00:07] AGENT:\n")
    call = one(path)
    assert call.call_id == "A-9" and call.disposition == "withdrawal_management"
    turns = [(t.speaker, t.text) for t in call.turns]
    assert turns == [("agent", "hello"), ("caller", "I drink daily like: every day")]


def test_text_before_the_first_label_is_an_error(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("Call recorded on Monday\nAgent: hi\nCaller: hello\n")
    error = one(path)
    assert isinstance(error, TranscriptError) and error.line == 1
    assert "before the first speaker label" in error.reason


def test_json_call(transcripts):
    call = one(transcripts / "ok" / "op-mild.json")
    assert call.call_id == "OP-2041" and call.disposition == "op"
    assert call.turns[0].speaker == "agent" and call.turns[1].speaker == "caller"
    assert call.turns[3].text == "mild, honestly"
    assert call.turns[0].line == 5  # the line of its "speaker" key


def test_json_list_of_calls(tmp_path):
    path = tmp_path / "two.json"
    path.write_text(json.dumps([{"call_id": "a", "turns": [{"speaker": "Caller", "text": "hi"}]},
                                {"call_id": "b", "disposition": "PHP", "turns": [{"speaker": "CLIENT", "text": "x"}]}]))
    first, second = read_path(path)
    assert (first.call_id, first.disposition, second.call_id, second.disposition) == ("a", None, "b", "php")


def test_csv_with_disposition_column_groups_rows_by_call(transcripts):
    calls = read_path(transcripts / "ok" / "calls.csv")
    assert [(c.call_id, c.disposition, len(c.turns)) for c in calls] == [("R-7", "residential", 8), ("P-3", "php", 8)]
    assert calls[0].turns[1].line == 3


def test_csv_without_disposition_and_a_dispositions_file(transcripts):
    [call] = read_path(transcripts / "ok" / "no-disposition-column.csv")
    assert call.disposition is None
    assert read_path(transcripts / "ok" / "dispositions.csv") == []  # not a transcript
    found, errors = read_dispositions(transcripts / "ok" / "dispositions.csv")
    assert found == {"C-11": "iop"} and errors == []


def test_csv_with_unquoted_commas_is_reported(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("call_id,speaker,text\nz,caller,yes, rehab, got out in march\n")
    [error] = read_path(path)
    assert isinstance(error, TranscriptError) and error.line == 2 and "double quotes" in error.reason


@pytest.mark.parametrize("name, line, reason", [
    ("empty.txt", 1, "no turns"),
    ("unknown-speaker.txt", 3, "unknown speaker label 'Doctor'"),
    ("truncated.json", 3, "truncated JSON"),
    ("bad-encoding.txt", 3, "not UTF-8"),
])
def test_malformed_files_are_reported_with_path_line_and_reason(transcripts, name, line, reason):
    error = one(transcripts / "malformed" / name)
    assert isinstance(error, TranscriptError)
    assert error.path.endswith(name) and error.line == line and reason in error.reason
    assert str(error).startswith(f"{error.path}:{line}: ")


def test_a_bad_row_in_a_csv_fails_only_its_call(transcripts):
    bad, good = read_path(transcripts / "malformed" / "bad-speaker.csv")
    assert isinstance(bad, TranscriptError) and bad.call_id == "B-1" and bad.line == 3 and "'nurse'" in bad.reason
    assert isinstance(good, Transcript) and good.call_id == "B-2"


@pytest.mark.parametrize("text, reason", [
    ("", "empty file"),
    ('{"call_id": "x", "turns": [{"speaker": "doctor", "text": "hi"}]}', "unknown speaker 'doctor'"),
    ('{"call_id": "x", "turns": "nope"}', "\"turns\" list"),
    ('{"call_id": "x", "turns": [{"speaker": "agent", "text": "hi"}]}', "no caller turns"),
    ('{"call_id": "x", "disposition": "spa weekend", "turns": [{"speaker": "caller", "text": "hi"}]}',
     "unknown disposition"),
    ('{"call_id": "x", "turns": [}', "invalid JSON"),
])
def test_malformed_json(tmp_path, text, reason):
    path = tmp_path / "bad.json"
    path.write_text(text)
    error = one(path)
    assert isinstance(error, TranscriptError) and reason in error.reason


def test_csv_missing_columns_and_header_only(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id,who,words\n1,agent,hi\n")
    assert "missing column(s) call_id, speaker, text" in one(path).reason
    path.write_text("call_id,speaker,text\n")
    assert "no rows" in one(path).reason


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "u.txt"
    path.write_bytes("Agent: hi\nCaller: José here\n".encode("utf-16"))
    assert one(path).turns[1].text == "José here"


@pytest.mark.parametrize("written, level", [
    ("IOP", "iop"), ("intensive outpatient", "iop"), ("Intensive Out-Patient", "iop"), ("I.O.P.", "iop"),
    ("OP", "op"), ("standard outpatient", "op"), ("PHP", "php"), ("partial hospitalization", "php"),
    ("Residential", "residential"), ("inpatient rehab", "residential"), ("detox", "withdrawal_management"),
    ("Withdrawal_Management", "withdrawal_management"), ("medical detox", "withdrawal_management"),
    ("crisis", "crisis"), ("referred to 988", "crisis"), ("", None), (None, None),
])
def test_dispositions_are_normalised_to_level_ids(written, level):
    assert normalize_disposition(written) == level


def test_unknown_disposition_raises():
    with pytest.raises(ValueError, match="unknown disposition"):
        normalize_disposition("sent home")


def test_speaker_labels():
    assert speaker_of("AGENT") == "agent" and speaker_of("Intake Coordinator") == "agent"
    assert speaker_of("caller") == "caller" and speaker_of("Patient") == "caller"
    assert speaker_of("Doctor") is None
