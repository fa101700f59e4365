# spec_docs.awk - specs/README.md's key tables -> a C table of descriptions
# and examples, so that `topoc schema --format json-schema` documents each
# key with the words of the language reference (which a test keeps complete)
# instead of a second copy that would drift.
#
# A row is: | `KEY` | type | default | meaning | example |
# Headings pick the document kind: "## The platform document", "## A service
# document", "## Waivers"; other "## " sections end the kind.
function cstr(s) {
    gsub(/\\/, "\\\\", s)
    gsub(/"/, "\\\"", s)
    return "\"" s "\""
}
function trim(s) {
    sub(/^[ \t]+/, "", s)
    sub(/[ \t]+$/, "", s)
    return s
}
BEGIN {
    print "/* generated from specs/README.md by src/review/spec_docs.awk */"
    print "#include \"review_docs.h\""
    print "const SpecDoc spec_docs[] = {"
    kind = ""
}
/^## / {
    kind = ""
    if ($0 ~ /^## The platform document/) kind = "platform"
    if ($0 ~ /^## A service document/) kind = "service"
    if ($0 ~ /^## Waivers/) kind = "waivers"
    next
}
kind != "" && /^\| `/ {
    row = $0
    gsub(/\\\|/, "\001", row)   # an escaped pipe inside a cell
    n = split(row, c, "|")
    for (i = 1; i <= n; i++) gsub(/\001/, "|", c[i])
    if (n < 7) next
    key = trim(c[2]); gsub(/`/, "", key)
    meaning = trim(c[5]); gsub(/`/, "'", meaning); sub(/ \(below\)/, "", meaning)
    example = trim(c[6])
    if (example ~ /^`[^`]*`$/) { gsub(/`/, "", example) } else { example = "" }
    printf "    {%s, %s, %s, %s},\n", cstr(kind), cstr(key), cstr(meaning), cstr(example)
}
END {
    print "};"
    print "const int nspec_docs = sizeof spec_docs / sizeof spec_docs[0];"
}
