// Package survey keeps the group's surveys (Regulation 5.5, 5.6): their
// records, sampling guides and responses, and the questionnaires they run.
//
// A questionnaire is a Form, read from an XLSForm spreadsheet as
// KoBoToolbox and ODK make them (ReadXLSForm), or from the same form as
// YAML (ReadYAML), and written back as an XLSForm to edit (WriteXLSForm).
// Only what bmjbt can ask in a chat is accepted; anything else is refused
// at import, the whole form, with the sheet, row and column of each
// problem. Template and ReportCard are built-in forms.
package survey
