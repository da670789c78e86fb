#!/usr/bin/env bash
# bench/run.sh [metrics|api|pdf|import|all]
#
# The benchmarks of issue 5 on the local PostgreSQL database gongzhi_bench (created and
# migrated here; generated data is kept between runs). Each prints RESULT lines: the ratio
# against a baseline measured in the same run, and the absolute numbers. Load goes to
# 127.0.0.1 only. Run on a quiet machine: the load average is printed before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
case "$what" in
  metrics | api | pdf | import | all) ;;
  *) echo "usage: bench/run.sh [metrics|api|pdf|import|all]" >&2; exit 2 ;;
esac
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongzhi_bench
unset REDIS_URL
python=.venv/bin/python

if [[ "$what" == api || "$what" == all ]] && ! command -v wrk > /dev/null; then
  apt-get install -y wrk > /dev/null
fi
if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'gongzhi_bench'" | grep -q 1; then
  createdb -h 127.0.0.1 -U postgres gongzhi_bench
fi
$python manage.py migrate --verbosity 0

run() { # name, seconds allowed
  echo "== $1 (at most $2 s)"
  timeout "$2" $python -m "bench.$1"
}
case "$what" in
  metrics) run metrics 1800 ;;
  api) run api 600 ;;
  pdf) run pdf 600 ;;
  import) run imports 600 ;;
  all) run metrics 1800; run api 600; run pdf 600; run imports 600 ;;
esac
