"""A small reader of .po files: enough for the Welsh tests (no new dependency for it)."""

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr) and "fuzzy" not in self.flags


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def read(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry = Entry()
    current: str | None = None

    def finish():
        nonlocal entry, current
        if entry.msgid or entry.msgstr or entry.references:
            entries.append(entry)
        entry, current = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if line.startswith("#:"):
            entry.references.extend(ref.split(":")[0] for ref in line[2:].split())
            continue
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith("msgctxt "):
            entry.msgctxt, current = _unquote(line[8:]), "msgctxt"
        elif line.startswith("msgid_plural "):
            entry.msgid_plural, current = _unquote(line[13:]), "msgid_plural"
        elif line.startswith("msgid "):
            if entry.msgstr:  # no blank line between two entries
                finish()
            entry.msgid, current = _unquote(line[6:]), "msgid"
        elif line.startswith("msgstr"):
            entry.msgstr.append(_unquote(line.split(" ", 1)[1]))
            current = "msgstr"
        elif line.startswith('"') and current:
            if current == "msgstr":
                entry.msgstr[-1] += _unquote(line)
            elif current == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + _unquote(line)
            else:
                setattr(entry, current, getattr(entry, current) + _unquote(line))
    finish()
    return [e for e in entries if e.msgid and not e.obsolete]
