// NestJS on Express, plain CommonJS with the decorators applied by hand. The session is
// registered before useStaticAssets, so every asset request creates a session; a global pipe in
// between is only a stored setting, so static moves above the session.
require('reflect-metadata');
const path = require('path');
const { Controller, Get, Module, Req } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const session = require('express-session');

class AccountController {
  login(req) {
    req.session.user = 'alice';
    return 'logged in';
  }

  me(req) {
    return req.session.user || 'nobody';
  }
}
Controller()(AccountController);
for (const name of ['login', 'me']) {
  const proto = AccountController.prototype;
  Get(name)(proto, name, Object.getOwnPropertyDescriptor(proto, name));
  Req()(proto, name, 0);
}

class AppModule {}
Module({ controllers: [AccountController] })(AppModule);

// Trims string query values before they reach a handler.
class TrimStrings {
  transform(value) {
    return typeof value === 'string' ? value.trim() : value;
  }
}

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: false });
  app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
  app.useGlobalPipes(new TrimStrings());
  app.useStaticAssets(path.join(__dirname, 'public'));
  await app.listen(0, '127.0.0.1');
  console.log(`listening on ${app.getHttpServer().address().port}`);
}
bootstrap();
