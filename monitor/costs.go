package monitor

// The lines of the avoided-costs estimate. Each states its basis, so the
// report shows how the total came about and a reader can disagree with a
// line rather than with a number.
const (
	basisTrajectory = "each request closed in the period as resolved at the zero line counts as one specialist trajectory not started"
	basisSupport    = "each referral to a volunteer or initiative completed in the period counts as the configured hours of individual support, unless its request is already counted as resolved at the zero line"
	basisTransport  = "each referral for transport completed in the period counts as the configured rides of (Wmo) transport, a provision apart from trajectories"
)

func (t *tally) avoidedCosts(q Query) AvoidedCosts {
	p := q.Prices
	out := AvoidedCosts{Configured: p != nil}
	var trajectory, hour, ride *float64
	hours, rides := 0.0, 0.0
	if p != nil {
		trajectory, hour, ride = price(p.SpecialistTrajectoryEUR), price(p.SupportHourEUR), price(p.TransportRideEUR)
		hours, rides = p.SupportHoursPerReferral, p.RidesPerTransportReferral
	}
	out.Lines = []CostLine{
		line("zero_line_resolutions", t.resolved, 1, "specialist_trajectory", trajectory, basisTrajectory),
		line("informal_support", t.informalCompleted, hours, "support_hour", hour, basisSupport),
		line("transport", t.transportCompleted, rides, "transport_ride", ride, basisTransport),
	}
	total, some := 0.0, false
	for _, l := range out.Lines {
		switch {
		case l.Count.Suppressed():
			out.ExcludesSuppressed = true
		case l.AmountEUR != nil:
			total += *l.AmountEUR
			some = true
		}
	}
	if some {
		out.TotalEUR = round(total, 2)
	}
	return out
}

// price is a configured unit price, nil when 0 (not set).
func price(v float64) *float64 {
	if v <= 0 {
		return nil
	}
	return &v
}

func line(item string, n int, perCount float64, unit string, unitPrice *float64, basis string) CostLine {
	l := CostLine{Item: item, Count: Count(n), QuantityPerCount: perCount, Unit: unit, UnitPriceEUR: unitPrice, Basis: basis}
	if unitPrice != nil && perCount > 0 && !l.Count.Suppressed() {
		l.AmountEUR = round(float64(n)*perCount*(*unitPrice), 2)
	}
	return l
}
