"""Packaging for hsae_nb: every field comes from settings.ini, the single source nbdev also reads."""
from configparser import ConfigParser
from pathlib import Path

import setuptools

cfg = ConfigParser(delimiters=["="])
cfg.read(Path(__file__).parent / "settings.ini", encoding="utf-8")
cfg = cfg["DEFAULT"]

for key in ("lib_name", "version", "description", "author", "author_email", "min_python", "license"):
    if key not in cfg:
        raise ValueError(f"settings.ini is missing the required key {key!r}")

licenses = {"apache2": ("Apache Software License 2.0", "OSI Approved :: Apache Software License")}
lic_name, lic_classifier = licenses[cfg["license"]]
readme = Path(__file__).parent / "README.md"


def _words(key):
    """Space separated list from settings.ini (empty when the key is absent)."""
    return cfg.get(key, "").split()


setuptools.setup(
    name=cfg["lib_name"].replace("_", "-"),
    version=cfg["version"],
    description=cfg["description"],
    long_description=readme.read_text(encoding="utf-8") if readme.exists() else "",
    long_description_content_type="text/markdown",
    author=cfg["author"],
    author_email=cfg["author_email"],
    license=lic_name,
    keywords=cfg.get("keywords", ""),
    url=cfg.get("git_url", ""),
    classifiers=[
        "Programming Language :: Python :: 3",
        "Intended Audience :: Science/Research",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
        f"License :: {lic_classifier}",
    ],
    packages=setuptools.find_packages(include=[cfg["lib_name"], cfg["lib_name"] + ".*"]),
    include_package_data=True,
    package_data={cfg["lib_name"]: ["assets/*"]},      # the viewer's front-end files (HTML, CSS, JS)
    python_requires=">=" + cfg["min_python"],
    install_requires=_words("requirements"),
    extras_require={"dev": _words("dev_requirements")},
    entry_points={
        "console_scripts": _words("console_scripts"),
        "nbdev": [f"{cfg['lib_name']}={cfg['lib_name']}._modidx:d"],
    },
    zip_safe=False,
)
