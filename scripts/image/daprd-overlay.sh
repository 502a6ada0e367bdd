#!/bin/sh
# The project's daprd flavor: the Go build overlay (`go build -overlay`) that leaves out of Dapr's
# cmd/daprd/components every component the project does not use. Dapr registers one component per
# file there (build tag `allcomponents`); this keeps the files that register a type named in the
# list (components/generated/daprd-components.txt, generated from the Dapr resources of every
# profile and the chart) and overlays every other one as deleted. Fails when the pinned Dapr has no
# file registering a listed type. Used by scripts/lib/tools.sh (local runs) and Dockerfile.daprd
# (the chart's sidecar image), so both build the same binary.
#   sh scripts/image/daprd-overlay.sh <dapr module source> <component list> > overlay.json
set -eu
src="$1" list="$2"
dir="$src/cmd/daprd/components"
[ -d "$dir" ] || { echo "no $dir" >&2; exit 1; }
wanted="$(grep -v '^#' "$list" | grep -v '^$')"
found=""
printf '{"Replace":{'
sep=""
for file in "$dir"/*.go; do
  base="$(basename "$file")"
  # zz_notag.go is built only without a flavor tag (it panics); the build sets `allcomponents`.
  [ "$base" = zz_notag.go ] && continue
  # bindings_aws_ses.go registers under bindings: the category is the file name's first word.
  category="${base%%_*}"
  keep=""
  # The names in the Register…(factory, "name", "alias", …) calls of the file.
  for name in $(grep 'Register' "$file" | grep -o '"[^"]*"' | tr -d '"'); do
    if printf '%s\n' "$wanted" | grep -qxF "$category.$name"; then keep=1; found="$found $category.$name"; fi
  done
  if [ -z "$keep" ]; then
    printf '%s"%s":""' "$sep" "$file"
    sep=","
  fi
done
printf '}}\n'
for type in $wanted; do
  case " $found " in
    *" $type "*) ;;
    *) echo "Dapr's cmd/daprd/components has no component $type (listed in $list)" >&2; exit 1 ;;
  esac
done
