"""Imports decks into a fresh collection with the official Anki backend and prints what it holds.

Usage: anki_check.py FILE [FILE...]
Each FILE (.apkg, or a .txt/.tsv/.csv for the text importer) is imported in turn into the same
new, empty collection, the way Anki's File > Import does it. Prints one JSON object:
  imports: per file, the importer's log counts (new, updated, duplicate, ...)
  notes:   every note: guid, note type, fields, tags, card count, card ordinals, decks, the note
           type's original stock kind (6: image occlusion), the first card's rendered question,
           and for image occlusion notes what Anki's occlusion editor reads of them (image
           file, masks per deletion as fractions of the image, hide-all mode) or its error
  media:   every file in the collection's media folder with its SHA-256
  media_sizes: the width and height of every PNG or JPEG among them
  decks:   every deck name
"""

import hashlib
import json
import os
import sys
import tempfile

from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportCsvRequest,
)

LOG_KINDS = (
    "new",
    "updated",
    "duplicate",
    "conflicting",
    "first_field_match",
    "missing_notetype",
    "missing_deck",
    "empty_first_field",
)


def image_size(data):
    """Width and height of a PNG or baseline/progressive JPEG, else None."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return [int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")]
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                h = int.from_bytes(data[i + 5 : i + 7], "big")
                w = int.from_bytes(data[i + 7 : i + 9], "big")
                return [w, h]
            i += 2 + length
    return None


def import_file(col, path):
    path = os.path.abspath(path)
    if path.endswith(".apkg"):
        request = ImportAnkiPackageRequest(
            package_path=path,
            options=ImportAnkiPackageOptions(with_scheduling=False),
        )
        out = col.import_anki_package(request)
    else:
        metadata = col.get_csv_metadata(path=path, delimiter=None)
        out = col.import_csv(ImportCsvRequest(path=path, metadata=metadata))
    return {kind: len(getattr(out.log, kind)) for kind in LOG_KINDS}


def main(paths):
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(os.path.join(tmp, "collection.anki2"))
        try:
            imports = [import_file(col, p) for p in paths]
            notes = []
            for nid in col.find_notes(""):
                note = col.get_note(nid)
                cards = note.cards()
                stock_kind = note.note_type().get("originalStockKind", 0)
                occlusion = None
                if stock_kind == 6:
                    answer = col.get_image_occlusion_note(nid)
                    if answer.HasField("note"):
                        io = answer.note
                        occlusion = {
                            "image": io.image_file_name,
                            "image_bytes": len(io.image_data),
                            "hide_all": io.occlude_inactive,
                            "masks": [
                                {
                                    "ordinal": o.ordinal,
                                    "shapes": [
                                        {
                                            "shape": sh.shape,
                                            **{p.name: p.value for p in sh.properties},
                                        }
                                        for sh in o.shapes
                                    ],
                                }
                                for o in io.occlusions
                            ],
                        }
                    else:
                        occlusion = {"error": answer.error}
                notes.append(
                    {
                        "stock_kind": stock_kind,
                        "question": cards[0].question() if cards else "",
                        "occlusion": occlusion,
                        "guid": note.guid,
                        "notetype": note.note_type()["name"],
                        "fields": dict(note.items()),
                        "tags": note.tags,
                        "cards": len(cards),
                        "ords": sorted(c.ord for c in cards),
                        "decks": sorted({col.decks.name(c.did) for c in cards}),
                    }
                )
            media_dir = col.media.dir()
            media = {}
            media_sizes = {}
            for name in sorted(os.listdir(media_dir)):
                with open(os.path.join(media_dir, name), "rb") as f:
                    data = f.read()
                media[name] = hashlib.sha256(data).hexdigest()
                size = image_size(data)
                if size:
                    media_sizes[name] = size
            decks = sorted(d.name for d in col.decks.all_names_and_ids())
        finally:
            col.close()
    json.dump(
        {
            "imports": imports,
            "notes": notes,
            "media": media,
            "media_sizes": media_sizes,
            "decks": decks,
        },
        sys.stdout,
        ensure_ascii=False,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
