// An admin app where a guard (./auth) sits between session and static: the tool
// cannot prove that moving static above it is safe, so it reports the finding instead.
import express from 'express';
import session from 'express-session';
import { requireAdmin } from './auth';

const app = express();
app.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));
app.use(requireAdmin);
app.use(express.static('dashboard'));

export default app;
