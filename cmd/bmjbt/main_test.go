package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bmjbt/bot/telegram/telegramtest"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// syncBuffer is a bytes.Buffer safe to read while the program writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func freeAddr(t *testing.T) string { return telegramtest.FreeAddr(t) }

// The whole program: serve on a free port against the Bot API fake, a
// resident reports, SIGTERM-like stop, then the journal commands read it.
func TestServeThenJournal(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			fake := telegramtest.New(t)
			addr := freeAddr(t)
			env := map[string]string{
				"DATABASE_URL": storagetest.OwnURL(t, dialect), "TELEGRAM_BOT_TOKEN": telegramtest.Token,
				"TELEGRAM_API_URL": fake.URL, "HTTP_ADDR": addr, "LOG_LEVEL": "warn",
			}
			ctx, stop := context.WithCancel(context.Background())
			var out, errs syncBuffer
			done := make(chan int)
			go func() { done <- run(ctx, []string{"serve"}, envOf(env), strings.NewReader(""), &out, &errs) }()
			t.Cleanup(func() {
				if t.Failed() {
					t.Log("serve's log:\n" + errs.String())
				}
			})

			// serve paces replies as Telegram asks (1 a second per chat), so
			// this conversation takes a few seconds.
			// One malformed update first: set aside, and the service goes on.
			fake.Push(map[string]any{"message": map[string]any{"message_id": 1, "date": 1, "text": "без чата"}})
			u := fake.User(42, "ru")
			for _, s := range []string{"/start", "2", "1", "3", "Яма у школы"} {
				u.Say(s)
			}
			u.Photo(bytes.Repeat([]byte{0xFF, 0xD8}, 100), "")
			for _, s := range []string{"Готово", "Не указывать номер (анонимно)", "Отправить"} {
				u.Say(s)
			}
			u.Expect(t, "зарегистрировано в журнале под №")
			fake.WaitUntil(t, "healthz", func() bool {
				resp, err := http.Get("http://" + addr + "/healthz")
				if err != nil {
					return false
				}
				resp.Body.Close()
				return resp.StatusCode == 200
			})
			var status syncBuffer
			if code := run(context.Background(), []string{"status"}, envOf(env), nil, &status, &errs); code != 0 {
				t.Fatalf("status: %s", errs.String())
			}
			for _, want := range []string{"Set aside: 1 could not be read when they arrived, 0 failed", "on arrival: a message without a chat",
				"serve is running at " + addr + ": ok", "telegram (polling): connected"} {
				if !strings.Contains(status.String(), want) {
					t.Errorf("status lacks %q:\n%s", want, status.String())
				}
			}
			// With serve running, the WhatsApp check asks it, and will not
			// take the line from it.
			var wa syncBuffer
			if code := run(context.Background(), []string{"whatsapp", "status"}, envOf(env), nil, &wa, &errs); code != 0 ||
				!strings.Contains(wa.String(), "serve is running at "+addr) || !strings.Contains(wa.String(), "serve runs without WhatsApp") {
				t.Errorf("whatsapp status beside serve: %d %q", code, wa.String())
			}
			var werrs syncBuffer
			if code := run(context.Background(), []string{"whatsapp", "status", "--connect"}, envOf(env), nil, &wa, &werrs); code == 0 ||
				!strings.Contains(werrs.String(), "holds WhatsApp's line") {
				t.Errorf("whatsapp status --connect beside serve: exit %d, %q", code, werrs.String())
			}
			stop()
			select {
			case code := <-done:
				if code != 0 {
					t.Fatalf("serve exited %d: %s", code, errs.String())
				}
			case <-time.After(10 * time.Second):
				t.Fatal("serve did not stop within 10 s")
			}
			if !strings.Contains(out.String(), "Serving Telegram as @"+telegramtest.BotUsername) {
				t.Errorf("serve said: %s", out.String())
			}

			var list syncBuffer
			if code := run(context.Background(), []string{"journal", "list", "--village", "masy", "--lang", "ru"}, envOf(env), nil, &list, &errs); code != 0 {
				t.Fatalf("journal list: %s", errs.String())
			}
			if !strings.Contains(list.String(), "Яма у школы") || !strings.Contains(list.String(), "Дороги") {
				t.Fatalf("journal list:\n%s", list.String())
			}
			var show syncBuffer
			if code := run(context.Background(), []string{"journal", "show", thisYearNumber(1), "--lang", "ru"}, envOf(env), nil, &show, &errs); code != 0 {
				t.Fatalf("journal show: %s", errs.String())
			}
			for _, want := range []string{"Яма у школы", "file 1: photo", "Получено  (житель)"} {
				if !strings.Contains(show.String(), want) {
					t.Errorf("journal show lacks %q:\n%s", want, show.String())
				}
			}
			csvPath := filepath.Join(t.TempDir(), "journal.csv")
			if code := run(context.Background(), []string{"journal", "export", "--format", "csv", "--out", csvPath}, envOf(env), nil, &list, &errs); code != 0 {
				t.Fatalf("journal export: %s", errs.String())
			}
		})
	}
}

func thisYearNumber(seq int) string {
	return fmt.Sprintf("%d-%04d", time.Now().In(monitoring.Bishkek).Year(), seq)
}

func TestChatOnTheConsole(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": storagetest.URL(t, storage.SQLite)}
	in := strings.NewReader("/start\n1\n1\n1\nСуу жок\nДаяр\n2\nЖөнөтүү\n")
	var out, errs syncBuffer
	if code := run(context.Background(), []string{"chat"}, envOf(env), in, &out, &errs); code != 0 {
		t.Fatalf("chat exited %d: %s", code, errs.String())
	}
	for _, want := range []string{"TELEGRAM_BOT_TOKEN", "1. Кыргызча", "Номерин жазып жооп бериңиз (1–15)", "журналга №"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestOperatorMistakesGetClearErrors(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": storagetest.URL(t, storage.SQLite)}
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"journal", "export", "--format", "pdf"}, env, "use csv or xlsx"},
		{[]string{"journal", "list", "--from", "14.10.2025"}, env, "YYYY-MM-DD"},
		{[]string{"journal", "list", "--village", "paris"}, env, "not in the config"},
		{[]string{"journal", "show", "2025-0042"}, env, "entry 2025-0042 not found"},
		{[]string{"migrate"}, map[string]string{"DATABASE_URL": "mysql://x"}, "leave it unset for SQLite"},
		{[]string{"migrate", "--config", "/nonexistent.yaml"}, env, "read config"},
		{[]string{"serve"}, map[string]string{"WEBHOOK_URL": "https://x.kg/hook"}, "TELEGRAM_BOT_TOKEN is not"},
	} {
		var out, errs syncBuffer
		if code := run(context.Background(), tc.args, envOf(tc.env), nil, &out, &errs); code == 0 || !strings.Contains(errs.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want an error saying %q", tc.args, code, errs.String(), tc.want)
		}
	}
}

func TestMembersAndRequestsFromTheCommandLine(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			fake := telegramtest.New(t)
			env := map[string]string{"DATABASE_URL": storagetest.URL(t, dialect), "TELEGRAM_BOT_TOKEN": telegramtest.Token,
				"TELEGRAM_API_URL": fake.URL, "HTTP_ADDR": "127.0.0.1:0", "LOG_LEVEL": "warn"}
			cli := func(args ...string) string {
				t.Helper()
				var out, errs syncBuffer
				if code := run(context.Background(), args, envOf(env), nil, &out, &errs); code != 0 {
					t.Fatalf("%v: exit %d: %s", args, code, errs.String())
				}
				return out.String()
			}
			out := cli("member", "invite", "--role", "chair", "--name", "Г. Кандарова")
			code := strings.Fields(out[strings.Index(out, "/join ")+len("/join "):])[0]

			ctx, stop := context.WithCancel(context.Background())
			done := make(chan int)
			go func() {
				done <- run(ctx, []string{"serve"}, envOf(env), strings.NewReader(""), &syncBuffer{}, &syncBuffer{})
			}()
			u := fake.User(77, "ky")
			u.Say("/join " + code)
			u.Expect(t, "Кош келиңиз, Г. Кандарова")
			u.Say("/request")
			u.Expect(t, "кимден сурайсыз")
			u.Say("Жол чарба ишканасы (ДЭП)")
			u.Expect(t, "Эмне суралат")
			u.Say("Кызыл-Туудагы 3 км жолдун оңдоо графиги")
			u.Expect(t, "кайрылууларга")
			u.Press(t, "Өткөрүп жиберүү")
			u.Expect(t, "суроо-талабы катталды")
			stop()
			<-done

			list := cli("member", "list")
			if !strings.Contains(list, "Г. Кандарова") || !strings.Contains(list, "chair") || !strings.Contains(list, "has 0 members approved by the council; Regulation 3.4 asks for 5 to 11") {
				t.Fatalf("member list:\n%s", list)
			}
			reqs := cli("request", "list")
			if !strings.Contains(reqs, "С-"+thisYearNumber(1)) || !strings.Contains(reqs, "(ДЭП)") || !strings.Contains(reqs, "open") {
				t.Fatalf("request list:\n%s", reqs)
			}
			if over := cli("request", "list", "--overdue"); strings.Contains(over, "С-") {
				t.Fatalf("nothing is overdue yet:\n%s", over)
			}
			removed := cli("member", "remove", "1", "--reason", "health")
			if !strings.Contains(removed, "Removed Г. Кандарова (chair): health") {
				t.Fatalf("member remove:\n%s", removed)
			}
			var errs syncBuffer
			if code := run(context.Background(), []string{"member", "remove", "1", "--reason", "tired"}, envOf(env), nil, &syncBuffer{}, &errs); code == 0 || !strings.Contains(errs.String(), "3.4") {
				t.Fatalf("a reason outside 3.4 was accepted: %s", errs.String())
			}
		})
	}
}

func TestWhatsAppStatusWithoutALink(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": storagetest.URL(t, storage.SQLite)}
	var out, errs syncBuffer
	if code := run(context.Background(), []string{"whatsapp", "status"}, envOf(env), nil, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	if !strings.Contains(out.String(), "Not linked. Run `bmjbt whatsapp pair`") {
		t.Fatalf("status = %q", out.String())
	}
	var out2 syncBuffer
	if code := run(context.Background(), []string{"whatsapp", "logout"}, envOf(env), nil, &out2, &errs); code != 0 || !strings.Contains(out2.String(), "nothing to do") {
		t.Fatalf("logout: %d %q %s", code, out2.String(), errs.String())
	}

	// A number linked once, and unlinked since (by the phone, or logout),
	// is reported as such until forgotten.
	db, err := storage.Open(context.Background(), env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	m := storagetest.Municipality(t)
	if err := db.SetWhatsAppNumber(context.Background(), m.Code, "996555000777"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var out3 syncBuffer
	if code := run(context.Background(), []string{"whatsapp", "status"}, envOf(env), nil, &out3, &errs); code != 0 ||
		!strings.Contains(out3.String(), "Not linked now: +996555000777 was linked") {
		t.Fatalf("status of a number unlinked: %d %q", code, out3.String())
	}
	var out4 syncBuffer
	if code := run(context.Background(), []string{"whatsapp", "logout", "--forget"}, envOf(env), nil, &out4, &errs); code != 0 {
		t.Fatalf("logout --forget: %s", errs.String())
	}
	var out5 syncBuffer
	if code := run(context.Background(), []string{"whatsapp", "status"}, envOf(env), nil, &out5, &errs); code != 0 ||
		!strings.Contains(out5.String(), "Not linked. Run `bmjbt whatsapp pair`") {
		t.Fatalf("status after logout --forget: %q", out5.String())
	}
}

// The journal commands keep what identifies a resident out unless asked:
// a number typed into the description or into an addition is masked, the
// contact is left out, members' notes are shown by `show` and never
// exported.
func TestJournalCommandsKeepPersonalDataOut(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			env := map[string]string{"DATABASE_URL": storagetest.URL(t, dialect)}
			seedJournal(t, env["DATABASE_URL"])
			cli := func(args ...string) string {
				t.Helper()
				var out, errs syncBuffer
				if code := run(context.Background(), args, envOf(env), nil, &out, &errs); code != 0 {
					t.Fatalf("%v: exit %d: %s", args, code, errs.String())
				}
				return out.String()
			}
			number := thisYearNumber(1)
			personal := []string{"0555", "aigul@", "Айгүл", "+996"}

			show := cli("journal", "show", number, "--lang", "ru")
			for _, want := range []string{"Суу жок. Чалыңыз •••", "Лично", "Дополнения жителя:", "житель: Дагы эле жок, •••@•••",
				"житель: (приложено файлов: 1)", "Заметки членов группы:", "Г. Кандарова: Барып көрдүм, суу жок", "Файлы:               1"} {
				if !strings.Contains(show, want) {
					t.Errorf("journal show lacks %q:\n%s", want, show)
				}
			}
			for _, leak := range personal {
				if strings.Contains(show, leak) {
					t.Errorf("journal show without --with-contacts shows %q:\n%s", leak, show)
				}
			}
			whole := cli("journal", "show", number, "--lang", "ru", "--with-contacts")
			for _, want := range []string{"Чалыңыз 0555 12 34 56", "aigul@mail.ru", "+996555000111", "Айгүл"} {
				if !strings.Contains(whole, want) {
					t.Errorf("journal show --with-contacts lacks %q:\n%s", want, whole)
				}
			}

			if list := cli("journal", "list"); !strings.Contains(list, "Суу жок. Чалыңыз •••") || strings.Contains(list, "0555") {
				t.Errorf("journal list:\n%s", list)
			}

			xlsxPath := filepath.Join(t.TempDir(), "journal.xlsx")
			cli("journal", "export", "--format", "xlsx", "--out", xlsxPath)
			f, err := excelize.OpenFile(xlsxPath)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows("Журнал")
			if err != nil || len(rows) != 2 {
				t.Fatalf("sheet «Журнал»: %q, %v", rows, err)
			}
			if rows[1][0] != number || rows[1][5] != "Суу жок. Чалыңыз •••" || !strings.Contains(rows[1][6], "Дагы эле жок, •••@•••") || rows[1][7] != "Жеке келди" {
				t.Errorf("exported row = %q", rows[1])
			}
			for _, c := range rows[1] {
				for _, leak := range append(personal, "Барып көрдүм") {
					if strings.Contains(c, leak) {
						t.Errorf("the export carries %q: %q", leak, rows[1])
					}
				}
			}

			csvOut := cli("journal", "export", "--format", "csv", "--with-contacts", "--lang", "ru")
			for _, want := range []string{"Суу жок. Чалыңыз 0555 12 34 56", "Дагы эле жок, aigul@mail.ru", "+996555000111", "Лично"} {
				if !strings.Contains(csvOut, want) {
					t.Errorf("export --with-contacts lacks %q:\n%s", want, csvOut)
				}
			}
			if strings.Contains(csvOut, "Барып көрдүм") {
				t.Errorf("a member's note went into the export:\n%s", csvOut)
			}
		})
	}
}

// seedJournal registers one entry taken in person, with a contact, a
// photo, two additions by the resident and a member's note.
func seedJournal(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	muni := storagetest.Municipality(t)
	if err := db.EnsureMunicipality(ctx, muni); err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.CreateInvite(ctx, muni.Code, "seed-code", monitoring.Chair, "Г. Кандарова", "operator"); err != nil {
			return err
		}
		m, err := tx.Join(ctx, muni.Code, "seed-code", "telegram", "77", "77")
		if err != nil {
			return err
		}
		e := monitoring.Entry{Municipality: muni.Code, Village: "masy", Service: "water", Description: "Суу жок. Чалыңыз 0555 12 34 56",
			Channel: monitoring.InPerson}
		if err := tx.CreateEntry(ctx, &e, &monitoring.Contact{Name: "Айгүл", Phone: "+996555000111"}, "member:1"); err != nil {
			return err
		}
		photo, err := tx.AddMedia(ctx, muni.Code, monitoring.Media{Channel: monitoring.Telegram, Kind: monitoring.Photo, FileID: "p", Mime: "image/jpeg", Size: 10})
		if err != nil {
			return err
		}
		if err := tx.AddNote(ctx, muni.Code, e.ID, storage.ResidentAuthor, 0, 0, "Дагы эле жок, aigul@mail.ru"); err != nil {
			return err
		}
		if err := tx.AddNote(ctx, muni.Code, e.ID, storage.ResidentAuthor, 0, photo, ""); err != nil {
			return err
		}
		return tx.AddNote(ctx, muni.Code, e.ID, fmt.Sprintf("member:%d", m.ID), m.ID, 0, "Барып көрдүм, суу жок")
	})
	if err != nil {
		t.Fatal(err)
	}
}
