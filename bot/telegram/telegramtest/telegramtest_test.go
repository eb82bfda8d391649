package telegramtest_test

import (
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"bmjbt/bot/telegram/telegramtest"
)

// The fake answers the real client library as Telegram would.
func TestTheRealClientTalksToTheFake(t *testing.T) {
	fake := telegramtest.New(t)
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(telegramtest.Token, fake.URL+"/bot%s/%s")
	if err != nil {
		t.Fatal(err)
	}
	if api.Self.UserName != telegramtest.BotUsername {
		t.Fatalf("getMe = %+v", api.Self)
	}

	doc := tgbotapi.NewDocument(77, tgbotapi.FileBytes{Name: "act-2026-01.pdf", Bytes: []byte("%PDF-1.7 act")})
	doc.Caption = "Акт № 1"
	sent, err := api.Send(doc)
	if err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages(77)
	if len(msgs) != 1 || msgs[0].ID != sent.MessageID || msgs[0].Document.Name != "act-2026-01.pdf" || string(msgs[0].Document.Data) != "%PDF-1.7 act" || msgs[0].Text != "Акт № 1" {
		t.Fatalf("document = %+v", msgs)
	}

	// Offsets: an update is returned until an offset past it confirms it.
	u := fake.User(5, "ky")
	u.Say("салам")
	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 1})
	if err != nil || len(ups) != 1 || ups[0].Message.Text != "салам" {
		t.Fatalf("getUpdates = %+v, %v", ups, err)
	}
	again, _ := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 0})
	if len(again) != 1 {
		t.Fatalf("an unconfirmed update was not returned again")
	}
	none, _ := api.GetUpdates(tgbotapi.UpdateConfig{Offset: ups[0].UpdateID + 1, Timeout: 0})
	if len(none) != 0 || fake.Pending() != 0 {
		t.Fatalf("a confirmed update came back: %+v", none)
	}

	// Failures on demand carry what the client needs.
	fake.Fail("sendMessage", 77, 429, 3, 1)
	_, err = api.Send(tgbotapi.NewMessage(77, "x"))
	if e, ok := err.(*tgbotapi.Error); !ok || e.Code != 429 || e.RetryAfter != 3 {
		t.Fatalf("err = %#v, want a 429 with retry_after 3", err)
	}
	if _, err := api.Send(tgbotapi.NewMessage(77, "")); err == nil {
		t.Fatal("an empty message was accepted")
	}
	bad := tgbotapi.NewMessage(77, "x")
	bad.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("b", string(make([]byte, 65)))))
	if _, err := api.Send(bad); err == nil {
		t.Fatal("callback data over 64 bytes was accepted")
	}
}

// With a limit, the fake refuses what goes beyond Telegram's pace.
func TestTheFakeHoldsTheBotToItsPace(t *testing.T) {
	fake := telegramtest.New(t)
	fake.Limit(30)
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(telegramtest.Token, fake.URL+"/bot%s/%s")
	if err != nil {
		t.Fatal(err)
	}
	var refused int
	for range 100 { // far faster than 30 a second
		if _, err := api.Send(tgbotapi.NewMessage(77, "x")); err != nil {
			if e, ok := err.(*tgbotapi.Error); !ok || e.Code != 429 || e.RetryAfter != 1 {
				t.Fatalf("err = %#v, want a 429 with retry_after 1", err)
			}
			refused++
		}
	}
	if refused == 0 || refused != fake.Refused() || len(fake.Messages(77))+refused != 100 {
		t.Fatalf("%d refused (fake says %d), %d delivered, of 100", refused, fake.Refused(), len(fake.Messages(77)))
	}
}
