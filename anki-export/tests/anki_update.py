"""Imports a deck, reviews a card, imports the decks that follow, as a user updating a deck does.

Usage: anki_update.py FIRST.apkg [NEXT.apkg...]
Imports FIRST into a fresh collection with the official Anki backend, answers the first card of
each note once ("good") with Anki's scheduler, then imports each NEXT the way File > Import does
(notes updated when the package's are newer). Prints one JSON object:
  imports: per NEXT file, the importer's log counts (new, updated, duplicate, ...)
  notes:   every note: id, guid, note type, fields, tags, decks of its cards, reviews of its cards
  notetypes: every note type name
"""

import json
import os
import sys
import tempfile

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

LOG_KINDS = ("new", "updated", "duplicate", "conflicting", "first_field_match", "missing_notetype")


def import_file(col, path):
    request = ImportAnkiPackageRequest(
        package_path=os.path.abspath(path),
        options=ImportAnkiPackageOptions(with_scheduling=False),
    )
    out = col.import_anki_package(request)
    return {kind: len(getattr(out.log, kind)) for kind in LOG_KINDS}


def main(first, rest):
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(os.path.join(tmp, "collection.anki2"))
        try:
            import_file(col, first)
            for nid in col.find_notes(""):
                card = col.get_note(nid).cards()[0]
                card.start_timer()
                col.sched.answerCard(card, 3)
            imports = [import_file(col, p) for p in rest]
            notes = []
            for nid in sorted(col.find_notes("")):
                note = col.get_note(nid)
                cards = note.cards()
                reviews = sum(
                    col.db.scalar("select count() from revlog where cid = ?", c.id) for c in cards
                )
                notes.append(
                    {
                        "id": nid,
                        "guid": note.guid,
                        "notetype": note.note_type()["name"],
                        "fields": dict(note.items()),
                        "tags": note.tags,
                        "decks": sorted({col.decks.name(c.did) for c in cards}),
                        "reviews": reviews,
                    }
                )
            notetypes = sorted(n.name for n in col.models.all_names_and_ids())
        finally:
            col.close()
    json.dump({"imports": imports, "notes": notes, "notetypes": notetypes}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
