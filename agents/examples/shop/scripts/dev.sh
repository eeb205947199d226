#!/bin/sh
# Start the backend; the frontend dev server proxies /api to it.
set -e
cd "$(dirname "$0")/../backend"
npm start
