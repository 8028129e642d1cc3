"""Build hook: a wheel carries the codebooks as package data (pipeline/_codebooks), so an
installed `polemos code FILE` runs in any folder. The codebooks stay at the top of the
repository (codebooks/); an editable install reads them there."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCodebooks(build_py):
    def run(self):
        super().run()
        source = Path(__file__).resolve().parent / "codebooks"
        if getattr(self, "editable_mode", False) or not source.is_dir():
            return
        target = Path(self.build_lib) / "pipeline" / "_codebooks"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(".*", "__pycache__"))


setup(cmdclass={"build_py": BuildWithCodebooks})
