#!/usr/bin/env python3
"""Convert Debian's hunspell-nl (OpenTaal) dictionary into an Ispell
dictionary that PostgreSQL 15's `ispell` text-search template loads.

Usage:
    python3 scripts/dutch_dictionary.py [--src /usr/share/hunspell/nl]
                            [--out-dir $(pg_config --sharedir)/tsearch_data]
                            [--name ssw_nl] [--keep-accents] [--no-proper-nouns] [--compound-min 4]

Writes <out-dir>/<name>.affix and <out-dir>/<name>.dict (UTF-8).

Then, in SQL:
    CREATE TEXT SEARCH DICTIONARY ssw_nl_ispell (
        TEMPLATE = ispell, DictFile = ssw_nl, AffFile = ssw_nl, StopWords = dutch);

Why a conversion is needed (PostgreSQL 15, src/backend/tsearch/spell.c):
  * .dic: the first line (word count) would become a word; entries with an
    escaped slash (`km\\/h`, `I\\/O`) are split at the first '/', giving an odd
    number of characters as "long" flags -> ERROR "invalid affix flag "O" with
    "long" flag value".  Multi-word entries ("a capella") are cut at the first
    space and would hand their flags to the first word.
  * FORBIDDENWORD (Fw) is not understood: 7,900 explicitly *wrong* forms would
    become valid words.  They are dropped.
  * The `ĳ`/`Ĳ` ligature (U+0133/U+0132) is used in every word with "ij"
    (ICONV/OCONV in the .aff); PostgreSQL ignores ICONV/OCONV, so
    "vrijwilliger" in text would never match "vrĳwilliger" in the dictionary.
    Converted to "ij"; typographic apostrophe ’ -> '.
  * Affix entries with only 4 fields (no condition), e.g. `SFX CA 0 /CaCp` or
    `PFX A0 0 aller`, are taken by PostgreSQL for a *header* line; a "."
    condition is added.
  * Compounds: PostgreSQL supports COMPOUNDBEGIN/MIDDLE/END/ONLYINCOMPOUND/
    PERMITFLAG only as flags *on the stem* (and on affixes), it ignores
    COMPOUNDRULE, CHECKCOMPOUNDPATTERN, COMPOUNDMIN, and affix continuation
    classes.  OpenTaal gives compound permission mostly through continuation
    classes (`SFX Ce 0 /CaCbCp` = "this word may begin a compound",
    `SFX Ch 0 s/CaCbCxCp` = "word+s may begin a compound").  The stems'
    flags are therefore rewritten:
      - flags CA/Ce (zero affix with Ca) -> add Ca (COMPOUNDBEGIN) to stem;
      - flags CB/Ce -> add Cb (COMPOUNDMIDDLE);
      - any flag whose affix adds a linking element with compound permission
        (s, en, n, jes, ...; e.g. Ch, Cd, Zb, Yb) -> add Cb, because
        PostgreSQL checks a "linking-affix" part (gezondheid+s) with the
        COMPOUNDMIDDLE flag of the stem, also for the first part.
  * Accents: the text-search configuration runs `unaccent` *before* the
    ispell dictionary, so dictionary words and affix strings are unaccented
    here with the same rules file (tsearch_data/unaccent.rules); otherwise
    "coördinatie" in the dictionary would never match "coordinatie".
  * COMPOUNDMIN is ignored by PostgreSQL (and OpenTaal sets 0), so 3-letter
    stems produced spurious parts (cultuur -> cult+uur, fietsherstel -> her+stel,
    kangoeroe -> kan+goeroe).  By default stems shorter than 4 letters lose
    their compound flags (--compound-min 4; 0 = keep OpenTaal's behaviour).
  * Entries the default parser can never produce as one token (digits, '.',
    apostrophes, '/', other symbols) are dropped to save memory/load time.

Standard library only.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import time

LONG_FLAG = re.compile(r"..", re.S)

# Compound-related flags of OpenTaal's nl.aff (FLAG long)
CMP_BEGIN, CMP_MIDDLE, CMP_END = "Ca", "Cb", "Cc"
CMP_PERMIT, CMP_ONLY = "Cp", "Cx"
FORBIDDEN = "Fw"
KEEP_HEADER_KEYS = ("COMPOUNDBEGIN", "COMPOUNDMIDDLE", "COMPOUNDEND",
                    "COMPOUNDPERMITFLAG", "ONLYINCOMPOUND")


def sharedir():
    try:
        return subprocess.check_output(["pg_config", "--sharedir"], text=True).strip()
    except Exception:
        return "/usr/share/postgresql/15"


def load_unaccent(path):
    rules = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            parts = line.split("\t")
            src = parts[0].strip() if parts[0].strip() else parts[0]
            dst = parts[1] if len(parts) > 1 else ""
            if src:
                rules[src] = dst.strip()
    maxlen = max(len(k) for k in rules) if rules else 1
    return rules, maxlen


class Normalizer:
    """ĳ -> ij, ’ -> ', then (optionally) unaccent.rules (longest match)."""

    def __init__(self, unaccent_rules=None):
        self.rules, self.maxlen = unaccent_rules if unaccent_rules else ({}, 1)

    def __call__(self, s):
        s = s.replace("ĳ", "ij").replace("Ĳ", "IJ").replace("’", "'")
        if not self.rules:
            return s
        out, i, n = [], 0, len(s)
        while i < n:
            for L in range(min(self.maxlen, n - i), 0, -1):
                rep = self.rules.get(s[i:i + L])
                if rep is not None:
                    out.append(rep)
                    i += L
                    break
            else:
                out.append(s[i])
                i += 1
        return "".join(out)


def split_flags(fl):
    return LONG_FLAG.findall(fl)


def parse_aff(path):
    """Return (header_lines, affix_groups) where affix_groups is an ordered
    dict flag -> dict(kind, cross, entries=[(strip, add, contflags, cond)])."""
    groups = collections.OrderedDict()
    headers = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.split("#", 1)[0] if not raw.startswith("#") else ""
            line = line.strip()
            if not line:
                continue
            fields = line.split()
            key = fields[0]
            if key in ("SFX", "PFX"):
                if len(fields) >= 4 and fields[2] in ("Y", "N") and re.fullmatch(r"\d+", fields[3]) \
                        and fields[1] not in groups:
                    groups[fields[1]] = dict(kind=key, cross=fields[2], entries=[])
                    continue
                flag, strip, add = fields[1], fields[2], fields[3]
                cond = fields[4] if len(fields) >= 5 and not re.match(r"^[a-z]{2}:", fields[4]) else "."
                cont = ""
                if "/" in add:
                    add, cont = add.split("/", 1)
                if strip == "0":
                    strip = ""
                if add == "0":
                    add = ""
                groups[flag]["entries"].append((strip, add, cont, cond))
            elif key in KEEP_HEADER_KEYS:
                headers.append((key, fields[1]))
            elif key == "FLAG":
                if fields[1] != "long":
                    sys.exit("expected FLAG long, got %r" % fields[1])
    return headers, groups


def cond_ok(cond):
    # PostgreSQL compiles the condition as a regex; make sure it is sane
    try:
        re.compile(cond)
        return True
    except re.error:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default="/usr/share/hunspell/nl")
    ap.add_argument("--out-dir", default=os.path.join(sharedir(), "tsearch_data"))
    ap.add_argument("--name", default="ssw_nl")
    ap.add_argument("--keep-accents", action="store_true",
                    help="do not apply unaccent.rules (use when unaccent is not in front of the dictionary)")
    ap.add_argument("--unaccent-rules", default=os.path.join(sharedir(), "tsearch_data", "unaccent.rules"))
    ap.add_argument("--compound-min", type=int, default=4,
                    help="drop compound flags from stems shorter than N letters (emulates COMPOUNDMIN, "
                         "which PostgreSQL ignores; OpenTaal sets 0) to avoid spurious parts like 'hei', 'uur'")
    ap.add_argument("--no-proper-nouns", action="store_true",
                    help="drop capitalised entries (names, places) to save memory")
    args = ap.parse_args()
    t0 = time.time()

    norm = Normalizer(None if args.keep_accents else load_unaccent(args.unaccent_rules))
    headers, groups = parse_aff(args.src + ".aff")
    stats = collections.Counter()

    # ---- which affix flags give compound permission through continuation classes
    zero_begin, zero_middle, linking = set(), set(), set()
    for flag, g in groups.items():
        for strip, add, cont, cond in g["entries"]:
            cf = set(split_flags(cont))
            if "-" in add:
                continue  # hyphenated forms: the parser splits at '-'
            if add == "" and strip == "":
                if CMP_BEGIN in cf:
                    zero_begin.add(flag)
                if CMP_MIDDLE in cf:
                    zero_middle.add(flag)
            elif cf & {CMP_BEGIN, CMP_MIDDLE}:
                linking.add(flag)

    # ---- affix file
    out_aff = []
    out_aff.append("# Generated by build_ssw_nl.py from %s.aff (OpenTaal, BSD-3/CC-BY-3.0)" % args.src)
    out_aff.append("# for PostgreSQL's ispell template. Do not edit by hand.")
    out_aff.append("SET UTF-8")
    out_aff.append("FLAG long")
    for k, v in headers:
        out_aff.append("%s %s" % (k, v))
    out_aff.append("")
    for flag, g in groups.items():
        ents, seen = [], set()
        for strip, add, cont, cond in g["entries"]:
            if "-" in add or "-" in strip:
                stats["affix entries dropped (hyphen)"] += 1
                continue
            s2, a2, c2 = norm(strip), norm(add), norm(cond)
            if not cond_ok(c2):
                stats["affix entries dropped (bad condition)"] += 1
                continue
            # keep only the compound flags on the continuation class
            cf = [x for x in split_flags(cont) if x in (CMP_BEGIN, CMP_MIDDLE, CMP_END, CMP_PERMIT, CMP_ONLY)]
            key = (s2, a2, "".join(cf), c2)
            if key in seen:
                stats["affix entries dropped (duplicate after unaccent)"] += 1
                continue
            seen.add(key)
            ents.append(key)
        if not ents:
            continue
        out_aff.append("%s %s %s %d" % (g["kind"], flag, g["cross"], len(ents)))
        for s2, a2, cf, c2 in ents:
            addf = (a2 or "0") + ("/" + cf if cf else "")
            out_aff.append("%s %s %s %s %s" % (g["kind"], flag, s2 or "0", addf, c2 or "."))
            stats["affix entries written"] += 1
        out_aff.append("")

    # ---- dictionary
    words = collections.OrderedDict()  # word -> list of flags
    only_in_cpd = collections.defaultdict(lambda: True)
    allowed = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")
    with open(args.src + ".dic", encoding="utf-8") as f:
        first = True
        for line in f:
            line = line.rstrip("\n")
            if first:
                first = False
                if re.fullmatch(r"\d+", line.strip()):
                    stats["dic: count line dropped"] += 1
                    continue
            if not line.strip():
                continue
            if "\\/" in line:
                stats["dic: escaped slash dropped"] += 1
                continue
            entry = line.split("\t")[0]
            if " " in entry.strip():
                stats["dic: multi-word entry dropped"] += 1
                continue
            word, _, fl = entry.partition("/")
            flags = split_flags(fl.strip())
            if FORBIDDEN in flags:
                stats["dic: FORBIDDENWORD dropped"] += 1
                continue
            if args.no_proper_nouns and word[:1].isupper():
                stats["dic: proper noun dropped"] += 1
                continue
            w = norm(word).lower()
            if not allowed.match(w):
                stats["dic: not a parser token (digit/./'/symbol) dropped"] += 1
                continue
            fset = set(flags)
            if fset & zero_begin:
                flags.append(CMP_BEGIN)
            if fset & zero_middle:
                flags.append(CMP_MIDDLE)
            if fset & linking:
                flags.append(CMP_MIDDLE)
            if args.compound_min and len(w) < args.compound_min:
                n0 = len(flags)
                flags = [x for x in flags if x not in (CMP_BEGIN, CMP_MIDDLE, CMP_END)]
                if len(flags) != n0:
                    stats["dic: compound flags removed (shorter than --compound-min)"] += 1
            # merge homonyms / case variants / accent variants
            lst = words.setdefault(w, [])
            if lst or w in only_in_cpd:
                stats["dic: merged duplicate"] += 1
            only_in_cpd[w] = only_in_cpd[w] and (CMP_ONLY in flags)
            for x in flags:
                if x not in lst:
                    lst.append(x)
    out_dic = []
    for w, fl in words.items():
        if not only_in_cpd[w] and CMP_ONLY in fl:
            fl = [x for x in fl if x != CMP_ONLY]  # one homonym may stand alone
        out_dic.append(w + ("/" + "".join(fl) if fl else ""))
    stats["dic: words written"] = len(out_dic)

    os.makedirs(args.out_dir, exist_ok=True)
    aff_path = os.path.join(args.out_dir, args.name + ".affix")
    dic_path = os.path.join(args.out_dir, args.name + ".dict")
    with open(aff_path, "w", encoding="utf-8") as f:
        f.write("\n".join(out_aff) + "\n")
    with open(dic_path, "w", encoding="utf-8") as f:
        f.write("\n".join(out_dic) + "\n")
    for k in sorted(stats):
        print("%-55s %d" % (k, stats[k]))
    print("zero-affix begin flags: %s; middle: %s" % (sorted(zero_begin), sorted(zero_middle)))
    print("linking-element flags (stem gets %s): %d" % (CMP_MIDDLE, len(linking)))
    print("wrote %s (%d bytes), %s (%d bytes) in %.1fs" % (
        aff_path, os.path.getsize(aff_path), dic_path, os.path.getsize(dic_path), time.time() - t0))


if __name__ == "__main__":
    main()
