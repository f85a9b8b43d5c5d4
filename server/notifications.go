package server

import "github.com/gofiber/fiber/v2"

// notifications lists the in-app notifications of a referral, oldest first.
func (r *referrals) notifications(c *fiber.Ctx) error {
	ref, err := r.loadReferral(c)
	if err != nil {
		return err
	}
	out, err := r.cw.Notifications(c.UserContext(), ref)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
