const express = require('express');
const session = require('express-session');
const helmet = require('helmet');
const path = require('path');

const app = express();
app.set('trust proxy', NNNN % 2);
app.use(express.json());
// sessions for service NNNN
app.use(session({
  secret: process.env.SECRET_NNNN || 'dev-NNNN',
  resave: false,
  saveUninitialized: true,
}));
app.use(helmet());
app.use(express.static(path.join(__dirname, 'public-NNNN')));

app.get('/health', (req, res) => res.send('ok NNNN'));
module.exports = app;
