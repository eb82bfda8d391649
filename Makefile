# bmjbt: `make run` starts the bot, `make test` runs every test, `make bench`
# measures it. CI (.ci/run) calls `make test` with PostgreSQL required.

GO        ?= go
BIN       := bin/bmjbt
PKGS      := ./...

.PHONY: run build test vet fmt bench clean

run: build
	./$(BIN) serve

build:
	$(GO) build -o $(BIN) ./cmd/bmjbt

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt wants to rewrite: $$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)

# -race also turns on checkptr, which checks every unsafe pointer step; in
# modernc's SQLite (C translated to Go, all pointer arithmetic) that took
# half the suite's CPU. Our own code has no unsafe and keeps the check; the
# race detector still covers SQLite.
RACE      := -race -gcflags='modernc.org/...=-d=checkptr=0'

# Tests run on SQLite always, and on PostgreSQL when TEST_DATABASE_URL is set
# (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable).
test: vet
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "Testing on SQLite and on PostgreSQL ($$TEST_DATABASE_URL)."; \
	else \
		echo "Testing on SQLite only: TEST_DATABASE_URL is not set, so the PostgreSQL half is skipped."; \
	fi
	$(GO) test $(RACE) -count=1 -parallel 8 -timeout 10m $(PKGS)

# Residents' complaints through the Bot API fake against the real binary, and
# the bare INSERT+COMMIT rate of the same database. BENCH_RESIDENTS sets the load.
bench:
	@if [ -z "$$TEST_DATABASE_URL" ]; then echo "TEST_DATABASE_URL is not set: benchmarking SQLite only."; fi
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 30m ./loadtest/

clean:
	rm -rf bin
