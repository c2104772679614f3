import type { NextFunction, Request, Response } from 'express';

// Only signed-in administrators get past this point; everyone else is sent to the login page.
export function requireAdmin(req: Request, res: Response, next: NextFunction) {
  if (!req.session.isAdmin) {
    return res.redirect('/login');
  }
  next();
}
