import subprocess
import sys

from tests.conftest import ROOT


def readme():
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_columns_are_generated_from_the_schema():
    from pipeline.schema import data_dictionary_markdown

    text = readme()
    section = text.split("<!-- schema:start -->\n", 1)[1].split("<!-- schema:end -->", 1)[0]
    assert section == data_dictionary_markdown()


def test_readme_quick_start_has_exactly_two_commands_and_ci_runs_the_second():
    text = readme()
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```", 1)[0].strip() for b in quick.split("```bash\n")[1:]]
    assert len(blocks) == 2
    assert "dvc repro" in blocks[0] and "pytest" in blocks[1]
    assert blocks[1] in (ROOT / ".ci" / "run").read_text()


def test_python_dash_m_pipeline_is_the_cli():
    out = subprocess.run([sys.executable, "-m", "pipeline", "schema"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.startswith("| column | type | meaning |")
