"""tools/readme_sync.py: the README's tables and reproduction section, and 20_paper's statements, match the results files."""
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import readme_sync  # noqa: E402


def test_committed_readme_matches_results():
    # Fails when a results JSON or statements file changed and `python tools/readme_sync.py` was not run.
    assert readme_sync.stale() == []


def test_stale_parts_are_named_and_mended(tmp_path):
    readme, nb = tmp_path / "README.md", tmp_path / "20_paper.ipynb"
    shutil.copy(readme_sync.README, readme); shutil.copy(readme_sync.PAPER_NB, nb)
    text = readme.read_text()
    row = next(l for l in text.split("\n") if l.startswith("| hsae | 0 |"))            # a planted-table row
    text = text.replace(row, row.replace("| hsae | 0 |", "| hsae | 0 | edited by hand |"))
    text = text.replace("levels 256/512/1024/2048, target L0 20", "levels 256/512/1024/2048, target L0 25")
    readme.write_text(text)
    book = json.loads(nb.read_text())
    readme_sync.statements_cell(book)["source"].append("\nA sentence no results file holds.")
    nb.write_text(json.dumps(book))
    assert readme_sync.stale(readme, nb) == ["README: planted table", "README: reproduction section",
                                             "20_paper.ipynb: 'What the runs show' cell"]
    readme_sync.sync(readme, nb)
    assert readme_sync.stale(readme, nb) == []
    assert readme.read_text() == readme_sync.README.read_text()
