package bot

import (
	"context"
	"time"

	"bmjbt/monitoring"
	"bmjbt/survey"
)

// The ports: what the engine, its senders and fetchers need of the store,
// one small interface per area. bmjbt/storage implements them; cmd wires
// them; nothing under bot imports the store.

// Store begins the engine's transactions and lets it look at the inbox
// without one.
type Store interface {
	Update(ctx context.Context, fn func(Tx) error) error
	PendingInbox(ctx context.Context, municipality string, limit int) ([]monitoring.InboxRow, error)
}

// Tx is one transaction of the engine: every area a turn may touch, with
// one fixed time.
type Tx interface {
	Now() time.Time
	InboxTx
	Conversations
	Residents
	Journal
	Notes
	Cards
	Members
	Requests
	Consents
	Surveys
	Meetings
}

// Meetings are the group's meetings and minutes (3.4–3.7) and the chair's
// recorded absences (3.6).
type Meetings interface {
	CreateMeeting(ctx context.Context, mt *monitoring.Meeting) error
	Meeting(ctx context.Context, municipality string, id int64) (monitoring.Meeting, error)
	Meetings(ctx context.Context, municipality string) ([]monitoring.Meeting, error)
	SetAttendance(ctx context.Context, meetingID, memberID int64, p monitoring.Presence, reason string) error
	AddDecision(ctx context.Context, municipality string, meetingID int64, d monitoring.MeetingDecision) error
	SignMinutes(ctx context.Context, municipality string, meetingID int64, signer monitoring.Member, inChat bool) (monitoring.Signature, error)
	RecordChairAbsence(ctx context.Context, municipality string, a *monitoring.ChairAbsence) error
	Notices(ctx context.Context, municipality, object string) ([]monitoring.Notice, error)
}

// InboxTx takes updates and closes them, each in a savepoint when needed.
type InboxTx interface {
	TakeInbox(ctx context.Context, municipality string, limit int) ([]monitoring.InboxRow, error)
	RetryLater(ctx context.Context, id int64, errText string) error
	MarkHandled(ctx context.Context, id int64, errText string) error
	MarkAllHandled(ctx context.Context, ids []int64) error
	Savepoint(ctx context.Context, fn func() error) error
}

// Consents are residents' yes and no to being sent surveys.
type Consents interface {
	SetConsent(ctx context.Context, municipality string, c monitoring.Consent) error
	Consent(ctx context.Context, residentID int64) (monitoring.Consent, error)
	// OfferConsent records an offer unless the resident has any answer on
	// record, and says whether it did.
	OfferConsent(ctx context.Context, municipality string, c monitoring.Consent) (bool, error)
}

// Surveys are what a resident's turn reads and writes of a survey: the
// survey and its form, their one response, their invitation.
type Surveys interface {
	OpenSurvey(ctx context.Context, municipality string, id int64) (survey.Record, survey.Version, error)
	FormVersion(ctx context.Context, id int64) (survey.Version, error)
	StartResponse(ctx context.Context, municipality string, r *survey.Response) error
	ResidentResponse(ctx context.Context, surveyID, residentID int64) (survey.Response, bool, error)
	SaveAnswers(ctx context.Context, responseID int64, answers map[string]survey.Answer, complete bool) error
	Invited(ctx context.Context, surveyID, residentID int64) (bool, error)
	PendingInvitation(ctx context.Context, residentID int64) (int64, error)
	Response(ctx context.Context, id int64) (survey.Response, error)
	SurveyResponses(ctx context.Context, surveyID int64) ([]survey.Response, error)
	InvitedCount(ctx context.Context, surveyID int64) (int, error)
	OpenSurveys(ctx context.Context, municipality string) ([]survey.Record, error)
	AddGathering(ctx context.Context, municipality string, g *survey.Gathering) error
	Subscribers(ctx context.Context, municipality string, villages []string) ([]survey.Subscriber, error)
	Invite(ctx context.Context, municipality string, surveyID int64, invitations []survey.Invitation, remind bool) (int, error)
}

// Conversations keeps each dialogue's state.
type Conversations interface {
	Conversation(ctx context.Context, k monitoring.ConversationKey) ([]byte, error)
	SaveConversation(ctx context.Context, k monitoring.ConversationKey, state []byte) error
	// ConversationsOf and SaveConversations are the same for a whole batch
	// in one statement: on PostgreSQL every statement is a round trip.
	ConversationsOf(ctx context.Context, keys []monitoring.ConversationKey) (map[monitoring.ConversationKey][]byte, error)
	SaveConversations(ctx context.Context, keys []monitoring.ConversationKey, states [][]byte) error
}

// Residents are the people who write to the bot.
type Residents interface {
	Resident(ctx context.Context, municipality string, channel monitoring.Channel, userRef, chatID string) (monitoring.Resident, error)
	ResidentByID(ctx context.Context, id int64) (monitoring.Resident, error)
	// ResidentsOf reads a batch's known senders at once; RecordResident
	// records one the batch found unknown, without reading again.
	ResidentsOf(ctx context.Context, keys []monitoring.ConversationKey) ([]monitoring.Resident, error)
	RecordResident(ctx context.Context, municipality string, channel monitoring.Channel, userRef, chatID string) (monitoring.Resident, error)
	SetResidentLang(ctx context.Context, id int64, lang monitoring.Lang) error
	ResidentLang(ctx context.Context, municipality, channel, userRef string) (monitoring.Lang, error)
}

// Journal is the complaints journal and its changes.
type Journal interface {
	CreateEntry(ctx context.Context, e *monitoring.Entry, contact *monitoring.Contact, actor string) error
	EntryByID(ctx context.Context, municipality string, id int64) (monitoring.Entry, error)
	EntryNumbered(ctx context.Context, municipality string, n monitoring.Number) (monitoring.Entry, error)
	ResidentEntry(ctx context.Context, municipality string, residentID int64, n monitoring.Number) (monitoring.Entry, error)
	ResidentEntries(ctx context.Context, municipality string, residentID int64, limit int) ([]monitoring.Entry, error)
	CountEntriesSince(ctx context.Context, residentID int64, since time.Time) (int, error)
	Entries(ctx context.Context, municipality string, f monitoring.Filter) ([]monitoring.Entry, error)
	Merged(ctx context.Context, entryID int64) ([]monitoring.Entry, error)
	Apply(ctx context.Context, municipality string, entryID int64, c monitoring.Change) (monitoring.Entry, monitoring.Event, error)
	Undo(ctx context.Context, municipality string, eventID, memberID int64, actor string) (monitoring.Entry, monitoring.Event, error)
	SetFeedback(ctx context.Context, entryID int64, fb monitoring.Feedback) error
	AddEvent(ctx context.Context, municipality string, ev monitoring.Event) error
	EntryContact(ctx context.Context, entryID int64) (monitoring.Contact, error)
	AddFound(ctx context.Context, entryID int64, found []string) error
	LastEvent(ctx context.Context, entryID int64) (monitoring.Event, error)
	LastChange(ctx context.Context, municipality string, memberID int64) (int64, error)
}

// Notes are what members and residents add to an entry, and its files.
type Notes interface {
	AddNote(ctx context.Context, municipality string, entryID int64, author string, memberID, mediaID int64, text string) error
	NotesOf(ctx context.Context, entryID int64) ([]monitoring.Note, error)
	AddMedia(ctx context.Context, municipality string, m monitoring.Media) (int64, error)
	AttachMedia(ctx context.Context, entryID int64, ids []int64) error
	DropDraftMedia(ctx context.Context, ids []int64) error
	MediaCount(ctx context.Context, entryID int64) (int, error)
	Files(ctx context.Context, entryID, requestID int64) ([]monitoring.Media, error)
}

// Cards are the group's chats, the entries' cards in them, and the outbox
// every reply goes to.
type Cards interface {
	GroupChats(ctx context.Context, municipality string) ([]monitoring.GroupChat, error)
	AddPost(ctx context.Context, municipality string, entryID int64, p monitoring.Post) error
	Posts(ctx context.Context, entryID int64) ([]monitoring.Post, error)
	EnqueueAll(ctx context.Context, items []monitoring.OutboxItem) error
	EnqueueID(ctx context.Context, it monitoring.OutboxItem) (int64, error)
	Supersede(ctx context.Context, municipality, collapseKey string) error
	PendingNotices(ctx context.Context, municipality, channel, chatID, prefix string) ([]monitoring.OutboxItem, error)
	MoveChat(ctx context.Context, municipality, channel, from, to string) error
	BindGroup(ctx context.Context, municipality, channel, chatID, by string) error
}

// Members are the group (3.4–3.7): who they are, how they joined, and the
// audit of what they did and were refused.
type Members interface {
	MemberBy(ctx context.Context, municipality, channel, userRef string) (monitoring.Member, error)
	Members(ctx context.Context, municipality string, withRemoved bool) ([]monitoring.Member, error)
	ApproveMember(ctx context.Context, municipality string, id int64, a monitoring.Approval, by monitoring.Nominator, affiliation string) (monitoring.Member, error)
	MemberChat(ctx context.Context, memberID int64, channel string) (string, error)
	Join(ctx context.Context, municipality, code, channel, userRef, chatID string) (monitoring.Member, error)
	CreateInvite(ctx context.Context, municipality, code string, role monitoring.Role, name, createdBy string) (time.Time, error)
	CreateLink(ctx context.Context, m monitoring.Member, code, createdBy string) (time.Time, error)
	ToggleRecusal(ctx context.Context, municipality string, memberID int64, service string) (declared bool, err error)
	MembersReach(ctx context.Context, municipality string, roles ...monitoring.Role) ([]monitoring.Reach, error)
	Refusals(ctx context.Context, municipality, actor, action string, since time.Time) (int, error)
	Audit(ctx context.Context, municipality, actor, action string, entryID int64, outcome, detail string) error
}

// Requests are the group's requests for information (4.2, 6.1).
type Requests interface {
	CreateRequest(ctx context.Context, r *monitoring.Request) error
	RequestByID(ctx context.Context, municipality string, id int64) (monitoring.Request, error)
	Requests(ctx context.Context, municipality string, openOnly bool, overdueAt time.Time) ([]monitoring.Request, error)
	AnswerRequest(ctx context.Context, municipality string, id int64, answer string, media []int64) error
}

// Inbox is where adapters store updates before they acknowledge them.
type Inbox interface {
	PutInbox(ctx context.Context, items []monitoring.InboxItem) (int, error)
}

// Outbox is what a sender reads and records.
type Outbox interface {
	Now() time.Time
	DueOutbox(ctx context.Context, municipality, channel string, limit int) ([]monitoring.OutboxRow, error)
	RecordDeliveries(ctx context.Context, ds []monitoring.Delivery) error
	MessageRef(ctx context.Context, outboxID int64) (string, error)
	MoveMessageRef(ctx context.Context, outboxID int64, ref string) error
}

// Channel is what an adapter needs of the store: the inbox it writes to,
// the outbox its sender drains and the files it fetches and sends.
type Channel interface {
	Inbox
	Outbox
	Media
}

// Media is the files residents and members send, fetched into the store.
type Media interface {
	Now() time.Time
	DueMedia(ctx context.Context, municipality, channel string, limit int) ([]monitoring.Media, error)
	StoreMediaData(ctx context.Context, municipality string, id int64, mime string, data []byte) error
	MediaFetchFailed(ctx context.Context, id int64, state monitoring.MediaState, errText string, retryAt time.Time) error
	MediaByID(ctx context.Context, id int64) (monitoring.Media, error)
	MediaData(ctx context.Context, id int64) ([]byte, error)
	// MediaSender is the resident who sent a file.
	MediaSender(ctx context.Context, id int64) (monitoring.Resident, error)
	PutInbox(ctx context.Context, items []monitoring.InboxItem) (int, error)
}
