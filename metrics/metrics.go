// Package metrics declares what bmjbt counts for Prometheus (GET /metrics).
// Counters carry the channel, never a user or chat.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the collectors, registered on their own registry.
type Metrics struct {
	Registry *prometheus.Registry

	Received   *prometheus.CounterVec   // updates stored in the inbox, by channel
	Duplicates *prometheus.CounterVec   // redelivered updates dropped, by channel
	Handled    *prometheus.CounterVec   // updates handled, by channel and result
	Latency    *prometheus.HistogramVec // seconds from inbox to handled, by channel
	Sent       *prometheus.CounterVec   // replies delivered, by channel
	SendErrors *prometheus.CounterVec   // failed deliveries, by channel and kind
	Fetched    *prometheus.CounterVec   // media files fetched into the store, by channel and result
	SetAside   *prometheus.CounterVec   // updates given up on, by channel and stage (arrival, handling)
	// Undecryptable counts WhatsApp messages that came but could not be
	// decrypted: a broken session shows here instead of as silence.
	Undecryptable prometheus.Counter
}

// New makes the collectors on a fresh registry with the Go runtime ones.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bmjbt_updates_received_total", Help: "Updates stored in the inbox.",
		}, []string{"channel"}),
		Duplicates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bmjbt_updates_duplicate_total", Help: "Redelivered updates recognised and dropped.",
		}, []string{"channel"}),
		Handled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bmjbt_updates_handled_total", Help: "Updates the engine handled, by result (ok, failed).",
		}, []string{"channel", "result"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "bmjbt_handling_seconds", Help: "Time from storing an update to committing its handling.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"channel"}),
		Sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bmjbt_replies_sent_total", Help: "Replies delivered.",
		}, []string{"channel"}),
		SendErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bmjbt_send_errors_total", Help: "Failed deliveries by kind (rate_limited, server, network, rejected).",
		}, []string{"channel", "kind"}),
		Fetched: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bmjbt_media_fetched_total", Help: "Media files fetched into the store, by result.",
		}, []string{"channel", "result"}),
		SetAside: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bmjbt_updates_set_aside_total",
			Help: "Updates set aside as failed and kept for the operator (`bmjbt status`), by stage: arrival (could not be read), handling (failed every try).",
		}, []string{"channel", "stage"}),
		Undecryptable: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "bmjbt_whatsapp_undecryptable_total", Help: "WhatsApp messages that came but could not be decrypted.",
		}),
	}
	m.Registry.MustRegister(m.Received, m.Duplicates, m.Handled, m.Latency, m.Sent, m.SendErrors, m.Fetched, m.SetAside, m.Undecryptable,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
