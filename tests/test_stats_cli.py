"""`wegwijzer stats`: the same hand-computed suppressed table in every format, and the actions.

Data set A (org bzk, threshold 5), by hand:

                            2025-01  2025-02  2025-03 | Totaal
    informatie                    7        8        6 |     21
    ongewenste_omgangsvormen     12        3        9 |     24
    Totaal                       19       11       15 |     45

The 3 is small. Its row gives 24 - 12 - 9 = 3 and its column 11 - 8 = 3, so more must go. The
cheapest cycle through the 3 runs through the 9 beside it, the 6 under that and the 8 under
the 3 (9 + 6 + 8 = 23, against 12 + 7 + 8 = 27 through January). Then the 3 may be 2, 3 or 4:

    informatie                    7        x        x |     21
    ongewenste_omgangsvormen     12       <5        x |     24
    Totaal                       19       11       15 |     45

Data set B (org financien): misstand 2 in January; ongewenste_omgangsvormen 10 and 10. The row
total of misstand is 2, small too; the column total 12 would give the 2 away, so the 10 under it
is hidden, and then that row's total:

    ongewenste_omgangsvormen      x       10 |      x
    misstand                     <5        0 |     <5
    Totaal                       12       10 |     22
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import struct
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from bot.stats import commands
from bot.stats.chart import chart_series
from bot.stats.labels import TopicLabels
from bot.stats.periods import parse_period
from bot.stats.report import Filters, signalen_report
from bot.stats.store import ConversationCount, SignalenStore

ROOT = Path(__file__).resolve().parent.parent
ZERO_ROWS = [
    "financiele_schending",
    "belangenverstrengeling",
    "misbruik_bevoegdheden",
    "bedrijfsmiddelen",
    "prive_gedragingen",
    "misstand",
    "arbeidsconflict",
    "geen_integriteit",
]

EXPECTED_A = {
    "informatie": [7, "x", "x", 21],
    "ongewenste_omgangsvormen": [12, "<5", "x", 24],
    **{topic: [0, 0, 0, 0] for topic in ZERO_ROWS},
    "Totaal": [19, 11, 15, 45],
}
EXPECTED_B = {
    "ongewenste_omgangsvormen": ["x", 10, "x"],
    "misstand": ["<5", 0, "<5"],
    "Totaal": [12, 10, 22],
}


def _count(store, day, org, topic, times, channel="terminal", desk="vertrouwenspersoon"):
    store.today = lambda: day
    for _ in range(times):
        store.add_conversation(
            org=org, topic=topic, desk=desk, channel=channel, content_version="2026.11+abcd1234"
        )


@pytest.fixture
def setup(tmp_path: Path):
    """A database with data sets A and B, a settings file pointing at it, content without labels."""
    db = tmp_path / "data" / "signalen.db"
    with SignalenStore(db) as store:
        for month, (info, oo) in zip((1, 2, 3), ((7, 12), (8, 3), (6, 9)), strict=True):
            _count(store, date(2025, month, 15), "bzk", "informatie", info)
            _count(
                store,
                date(2025, month, 15),
                "bzk",
                "ongewenste_omgangsvormen",
                oo,
                channel="telegram",
            )
        _count(store, date(2025, 1, 2), "financien", "misstand", 2)
        _count(store, date(2025, 1, 2), "financien", "ongewenste_omgangsvormen", 10)
        _count(store, date(2025, 2, 2), "financien", "ongewenste_omgangsvormen", 10)
        for option, votes in (("a", 7), ("b", 2), ("c", 6)):
            store.today = lambda: date(2025, 3, 1)
            for _ in range(votes):
                store.add_dilemma_vote(dilemma_id="geschenk", option=option)
    content = tmp_path / "content"
    (content / "kennisbank").mkdir(parents=True)
    settings = tmp_path / "settings.yml"
    settings.write_text(yaml.safe_dump({"stats_db": str(db), "content_dir": str(content)}))
    return {"db": db, "settings": settings, "content": content, "tmp": tmp_path}


def run(setup, *args: str, input: str | None = None, settings: Path | None = None):
    app = typer.Typer()
    commands.register(app)
    app.command("noop")(lambda: None)  # keep `stats` a subcommand, as in the real CLI
    runner = CliRunner()
    return runner.invoke(
        app,
        ["stats", "--settings", str(settings or setup["settings"]), *args],
        input=input,
        env={"COLUMNS": "200"},
        catch_exceptions=False,
    )


def parse_table(output: str) -> dict[str, list]:
    """Rows of the rich table: first word is the label (topic ids here), then the values."""
    rows = {}
    for line in output.splitlines():
        words = line.split()
        if words and (words[0] in EXPECTED_A or words[0] in EXPECTED_B):
            rows[words[0]] = [int(w) if w.isdigit() else w for w in words[1:]]
    return rows


def test_table_a(setup):
    result = run(setup, "--org", "bzk")
    assert result.exit_code == 0, result.output
    assert parse_table(result.stdout) == EXPECTED_A
    assert "<5: 1 tot en met 4" in result.stdout and "secundaire onderdrukking" in result.stdout
    assert "2025-01" in result.stdout and "2025-03" in result.stdout


def test_csv_a(setup):
    result = run(setup, "--org", "bzk", "--csv")
    lines = result.stdout.splitlines()
    data = list(csv.reader(io.StringIO("\n".join(x for x in lines if not x.startswith("#")))))
    assert data[0] == ["Type signaal (URI)", "ids", "2025-01", "2025-02", "2025-03", "Totaal"]
    got = {row[0]: [int(v) if v.isdigit() else v for v in row[2:]] for row in data[1:]}
    assert got == EXPECTED_A
    assert any(line.startswith("# x: verborgen") for line in lines)


def test_json_a(setup):
    data = json.loads(run(setup, "--org", "bzk", "--json").stdout)
    got = {row["label"]: [*row["cells"], row["total"]] for row in data["rows"]}
    got["Totaal"] = [*data["totals"]["cells"], data["totals"]["total"]]
    assert got == EXPECTED_A
    assert data["threshold"] == 5 and data["columns"] == ["2025-01", "2025-02", "2025-03"]
    assert data["suppressed"] == {"primary": 1, "secondary": 3}
    assert data["filters"]["org"] == ["bzk"]
    assert any("row labels are topic ids" in note for note in data["footnotes"])


def test_every_format_b_with_secondary_suppression_of_totals(setup):
    table = parse_table(
        run(setup, "--org", "financien", "--from", "2025-01", "--to", "2025-02").stdout
    )
    assert {k: table[k] for k in EXPECTED_B} == EXPECTED_B
    data = json.loads(run(setup, "--org", "financien", "--to", "2025-02", "--json").stdout)
    rows = {row["label"]: [*row["cells"], row["total"]] for row in data["rows"]}
    assert rows["misstand"] == EXPECTED_B["misstand"]
    assert rows["ongewenste_omgangsvormen"] == EXPECTED_B["ongewenste_omgangsvormen"]
    assert [*data["totals"]["cells"], data["totals"]["total"]] == EXPECTED_B["Totaal"]
    text = run(setup, "--org", "financien", "--to", "2025-02", "--csv").stdout
    rows = {r[0]: r[2:] for r in csv.reader(io.StringIO(text)) if not r[0].startswith("#")}
    assert rows["misstand"] == ["<5", "0", "<5"]
    assert rows["ongewenste_omgangsvormen"] == ["x", "10", "x"]


def test_chart_draws_no_hidden_value(setup, tmp_path: Path):
    target = tmp_path / "out" / "trend.png"
    result = run(setup, "--org", "bzk", "--chart", str(target))
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert 800 <= width <= 3000 and 400 <= height <= 3000
    assert 20_000 < len(data) < 2_000_000
    assert b"tEXtSoftware" not in data, "no tool/version metadata in the image"
    # the values behind the chart: hidden counts are gaps (NaN), never their value
    counts = SignalenStore(setup["db"], readonly=True).conversations()
    report = signalen_report([c for c in counts if c.org == "bzk"], TopicLabels({}), Filters(), 5)
    series = {report.rows[i].label: values for i, values in chart_series(report).items()}
    assert set(series) == {"informatie", "ongewenste_omgangsvormen"}
    assert series["informatie"][0] == 7 and math.isnan(series["informatie"][1])
    assert math.isnan(series["informatie"][2])
    assert series["ongewenste_omgangsvormen"][0] == 12
    assert all(math.isnan(v) for v in series["ongewenste_omgangsvormen"][1:])


def test_raised_threshold_shows_in_every_format(setup):
    settings = setup["tmp"] / "strict.yml"
    data = yaml.safe_load(setup["settings"].read_text())
    settings.write_text(yaml.safe_dump({**data, "suppression_threshold": 10}))
    table = parse_table(run(setup, "--org", "bzk", settings=settings).stdout)
    assert table["informatie"][:3].count("<10") == 3  # 7, 8 and 6 are all below 10
    assert "<10: 1 tot en met 9" in run(setup, "--org", "bzk", "--csv", settings=settings).stdout
    assert json.loads(run(setup, "--json", settings=settings).stdout)["threshold"] == 10


def test_threshold_can_not_be_lowered(setup):
    settings = setup["tmp"] / "loose.yml"
    settings.write_text(yaml.safe_dump({"stats_db": str(setup["db"]), "suppression_threshold": 2}))
    result = run(setup, settings=settings)
    assert result.exit_code == 2 and "may only be raised" in result.output


def test_filters_topic_window_and_columns_by_org(setup):
    data = json.loads(
        run(setup, "--topic", "ongewenste_omgangsvormen", "--from", "2025-02", "--json").stdout
    )
    assert [row["ids"] for row in data["rows"]] == [["ongewenste_omgangsvormen"]]
    assert data["columns"] == ["2025-02", "2025-03"]
    assert data["rows"][0]["total"] == 22  # 3 + 9 (bzk) + 10 (financien)
    by_org = json.loads(run(setup, "--by", "org", "--json").stdout)
    assert by_org["columns"] == ["bzk", "financien"]
    assert by_org["totals"]["total"] == 67
    by_channel = json.loads(run(setup, "--org", "bzk", "--by", "channel", "--json").stdout)
    assert by_channel["columns"] == ["telegram", "terminal"]


def test_labels_come_from_the_content_when_it_is_valid(setup):
    real = yaml.safe_load((ROOT / "kennisbank" / "onderwerpen.yml").read_text(encoding="utf-8"))
    for topic in real["onderwerpen"]:
        topic["uri_rij"] = f"Rij {topic['id']}"
    (setup["content"] / "kennisbank" / "onderwerpen.yml").write_text(
        yaml.safe_dump(real, allow_unicode=True), encoding="utf-8"
    )
    data = json.loads(run(setup, "--org", "bzk", "--json").stdout)
    labels = [row["label"] for row in data["rows"]]
    assert labels[:5] == [
        "Rij financiele_schending",
        "Rij belangenverstrengeling",
        "Rij informatie",
        "Rij misbruik_bevoegdheden",
        "Rij ongewenste_omgangsvormen",
    ]
    assert not any("topic ids" in note for note in data["footnotes"])
    (setup["content"] / "kennisbank" / "onderwerpen.yml").write_text("onderwerpen: [kapot")
    data = json.loads(run(setup, "--org", "bzk", "--json").stdout)
    assert data["rows"][2]["label"] == "informatie"
    assert any("is not valid" in note for note in data["footnotes"])


def test_dilemma_votes_suppressed(setup):
    data = json.loads(run(setup, "--dilemmas", "--json").stdout)
    # one column: each option's total equals its cell; b = 2 is small, and 7 + 6 + b = 15 would
    # give it away, so the cheapest other option (6) is hidden too: b can be 1..4.
    rows = {row["label"]: [*row["cells"], row["total"]] for row in data["rows"]}
    assert rows == {"a": [7, 7], "b": ["<5", "<5"], "c": ["x", "x"]}
    assert data["totals"]["total"] == 15
    assert "Dilemma geschenk" in run(setup, "--dilemmas").stdout


def test_export_import_roundtrip_and_refusals(setup, tmp_path: Path):
    export = tmp_path / "export.json"
    assert run(setup, "--export", str(export)).exit_code == 0
    exported = json.loads(export.read_text())
    assert exported["format"] == "wegwijzer-signalen" and len(exported["conversations"]) == 9
    assert export.stat().st_mode & 0o777 == 0o600
    other = tmp_path / "other.yml"
    other.write_text(
        yaml.safe_dump(
            {"stats_db": str(tmp_path / "b" / "s.db"), "content_dir": str(setup["content"])}
        )
    )
    assert run(setup, "--import", str(export), settings=other).exit_code == 0
    assert sorted(SignalenStore(tmp_path / "b" / "s.db").conversations()) == sorted(
        SignalenStore(setup["db"]).conversations()
    )
    again = run(setup, "--import", str(export), settings=other)
    assert again.exit_code == 2 and "imported before" in again.output
    assert run(setup, "--import", str(export), "--force", settings=other).exit_code == 0
    doubled = sum(c.n for c in SignalenStore(tmp_path / "b" / "s.db").conversations())
    assert doubled == 2 * sum(c.n for c in SignalenStore(setup["db"]).conversations())


def _bad_exports(good: dict) -> dict[str, bytes]:
    def variant(change) -> bytes:
        data = json.loads(json.dumps(good))
        change(data)
        return json.dumps(data).encode()

    return {
        "not json": b"period,org\n2025-01,bzk\n",
        "binary": bytes(range(256)),
        "empty": b"",
        "wrong format": variant(lambda d: d.update(format="iets anders")),
        "newer version": variant(lambda d: d.update(version=2)),
        "text in an id": variant(lambda d: d["conversations"][0].update(org="Piet Jansen")),
        "negative count": variant(lambda d: d["conversations"][0].update(n=-4)),
        "float count": variant(lambda d: d["conversations"][0].update(n=2.5)),
        "bool count": variant(lambda d: d["conversations"][0].update(n=True)),
        "date as period": variant(lambda d: d["conversations"][0].update(period="2025-06-12")),
        "month 13": variant(lambda d: d["conversations"][0].update(period="2025-13")),
        "extra field": variant(lambda d: d["conversations"][0].update(user_id=123456789)),
        "duplicate key": variant(lambda d: d["conversations"].append(d["conversations"][0])),
        "missing list": variant(lambda d: d.pop("dilemma_votes")),
        "not a list": variant(lambda d: d.update(conversations={"a": 1})),
    }


def test_bad_import_files_are_refused_and_nothing_changes(setup, tmp_path: Path):
    export = tmp_path / "export.json"
    run(setup, "--export", str(export))
    good = json.loads(export.read_text())
    before = sorted(SignalenStore(setup["db"]).conversations())
    for name, content in _bad_exports(good).items():
        bad = tmp_path / "bad.json"
        bad.write_bytes(content)
        result = run(setup, "--import", str(bad))
        assert result.exit_code == 2, name
        assert "Traceback" not in result.output and str(bad) in result.output, name
        assert sorted(SignalenStore(setup["db"]).conversations()) == before, name
    missing = run(setup, "--import", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and "not found" in missing.output


def test_purge_before_asks_and_removes_older_periods(setup):
    refused = run(setup, "--purge-before", "2025-02", input="n\n")
    assert "Nothing removed" in refused.output
    assert len({c.period for c in SignalenStore(setup["db"]).conversations()}) == 3
    result = run(setup, "--purge-before", "2025-02", "--yes")
    assert result.exit_code == 0 and "Removed" in result.output
    periods = {c.period for c in SignalenStore(setup["db"]).conversations()}
    assert periods == {"2025-02", "2025-03"}
    assert "nothing removed" in run(setup, "--purge-before", "2025-01", "--yes").output


def test_bad_input_gives_clear_messages(setup, tmp_path: Path):
    for args, expected in (
        (["--from", "juni"], "is not a period"),
        (["--to", "2025-W54"], "is not a period"),
        (["--by", "user"], "--by must be one of"),
        (["--topic", "roddel"], "unknown topic 'roddel'"),
        (["--csv", "--json"], "not both"),
        (["--export", "x.json", "--import", "y.json"], "one of"),
        (["--from", "1990-01", "--to", "2030-12"], "too many"),
        (["--to", "9999-12"], "is not a period"),
        (["--purge-before", "gisteren"], "is not a period"),
    ):
        result = run(setup, *args)
        assert result.exit_code == 2 and expected in result.output, (args, result.output)
        assert "Traceback" not in result.output
    corrupt = tmp_path / "corrupt.yml"
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    corrupt.write_text(yaml.safe_dump({"stats_db": str(broken)}))
    before = broken.read_bytes()
    result = run(setup, settings=corrupt)
    assert result.exit_code == 2 and "untouched" in result.output
    assert broken.read_bytes() == before


def test_no_database_yet_is_not_an_error_and_creates_nothing(setup, tmp_path: Path):
    empty = tmp_path / "empty.yml"
    missing = tmp_path / "nothing" / "s.db"
    empty.write_text(yaml.safe_dump({"stats_db": str(missing)}))
    result = run(setup, settings=empty)
    assert result.exit_code == 0 and "No counts yet" in result.output
    assert run(setup, "--json", settings=empty).exit_code == 0
    assert not missing.parent.exists()


def test_the_installed_command(setup):
    """The real console script, as an ico would run it."""
    env = {**os.environ, "WEGWIJZER_SETTINGS": str(setup["settings"]), "COLUMNS": "160"}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "wegwijzer"), "stats", "--org", "bzk", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["totals"]["total"] == 45


def test_report_handles_mixed_month_and_week_data():
    counts = [
        ConversationCount("2025-06", "bzk", "informatie", "cif", "terminal", "v", 9),
        ConversationCount("2025-W30", "bzk", "informatie", "cif", "terminal", "v", 8),
    ]
    report = signalen_report(counts, TopicLabels({}), Filters(stop=parse_period("2025-07")), 5)
    assert report.columns == ("2025-06", "2025-W30")


def test_week_periods_fill_the_gaps():
    counts = [
        ConversationCount("2025-W01", "bzk", "informatie", "cif", "terminal", "v", 9),
        ConversationCount("2025-W03", "bzk", "informatie", "cif", "terminal", "v", 8),
    ]
    report = signalen_report(counts, TopicLabels({}), Filters(), 5)
    assert report.columns == ("2025-W01", "2025-W02", "2025-W03")
    window = Filters(start=parse_period("2025-01"), stop=parse_period("2025-01"))
    # January 2025 holds the weeks that start in it: W02 (6 Jan) to W05 (27 Jan)
    assert signalen_report(counts, TopicLabels({}), window, 5).columns == (
        "2025-W02",
        "2025-W03",
        "2025-W04",
        "2025-W05",
    )
