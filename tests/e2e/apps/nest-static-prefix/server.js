// NestJS on Express with the assets under /assets and the controllers under /api: the global
// prefix is a setting Nest reads when it adds the routes at listen, so static moves above the
// session across it.
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

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: false });
  app.use(session({ secret: 'e2e secret', resave: false, saveUninitialized: true }));
  app.setGlobalPrefix('api');
  app.useStaticAssets(path.join(__dirname, 'public'), { prefix: '/assets' });
  await app.listen(0, '127.0.0.1');
  console.log(`listening on ${app.getHttpServer().address().port}`);
}
bootstrap();
