#!/usr/bin/env bash
# Refresh the zh_Hans catalogues (one per app, plus locale/ for project templates) and compile
# them. Source strings are English; Chinese lives in the .po files (STYLE.md).
#   scripts/messages.sh            all
#   scripts/messages.sh residents  one app
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export DJANGO_SETTINGS_MODULE=config.settings.base PYTHONPATH=$ROOT
APPS=(community residents tickets complaints property_ops reports)
if (($#)); then targets=("$@"); else targets=("${APPS[@]}" project); fi
for t in "${targets[@]}"; do
  if [[ $t == project ]]; then
    ignores=(--ignore='.venv/*' --ignore='static/*' --ignore='tests/*' --ignore='bench/*')
    for a in "${APPS[@]}"; do ignores+=(--ignore="$a/*"); done
    "$ROOT/.venv/bin/django-admin" makemessages -l zh_Hans --no-obsolete -v0 "${ignores[@]}"
  else
    mkdir -p "$t/locale"
    (cd "$t" && "$ROOT/.venv/bin/django-admin" makemessages -l zh_Hans --no-obsolete -v0 --ignore='migrations/*')
  fi
done
"$ROOT/.venv/bin/django-admin" compilemessages -v0 --ignore='.venv/*'
