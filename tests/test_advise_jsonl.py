"""`wegwijzer advise --jsonl`: the single-message interface the held-out evaluation uses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def run_advise(lines: list[str], tmp_path: Path) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "advise", "--jsonl"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        env={"WEGWIJZER_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_one_result_per_line_in_order(tmp_path):
    lines = [
        json.dumps(
            {
                "id": "a",
                "org": "financien",
                "text": "mag ik een kerstpakket van een leverancier houden?",
            }
        ),
        json.dumps(
            {"id": "b", "org": "bzk", "text": "mijn leidinggevende scheldt me uit en kleineert me"}
        ),
        json.dumps({"id": "c", "org": "rijk", "text": "ik zie het niet meer zitten"}),
        json.dumps(
            {
                "id": "d",
                "org": "onbekend",
                "text": "I saw my colleague copy client files to a USB stick",
            }
        ),
    ]
    out = run_advise(lines, tmp_path)
    assert [o["id"] for o in out] == ["a", "b", "c", "d"]
    for record in out:
        assert set(record) == {"id", "topic", "confidence", "desks", "crisis", "manager_involved"}
        assert 1 <= len(record["desks"]) <= 3
        assert 0.0 <= record["confidence"] <= 1.0
    assert out[0]["topic"] == "belangenverstrengeling"
    assert out[1]["topic"] == "ongewenste_omgangsvormen"
    assert "leidinggevende" not in out[1]["desks"]
    assert out[1]["manager_involved"] is True and out[0]["manager_involved"] is False
    assert out[2]["crisis"] is True and out[2]["desks"][0] == "noodhulp"
    assert out[3]["topic"] == "informatie" and "cif" not in out[3]["desks"]


def test_bad_lines_get_an_error_record_and_the_rest_goes_on(tmp_path):
    lines = [
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": 7, "text": 12}),
        "",
        json.dumps({"id": "ok", "text": "mijn collega pest me"}),
    ]
    out = run_advise(lines, tmp_path)
    assert [("error" in o) for o in out] == [True, True, True, False]
    assert out[0]["error"].startswith("line 1")
    assert out[2]["id"] == 7
    assert out[3]["id"] == "ok" and out[3]["topic"] == "ongewenste_omgangsvormen"
