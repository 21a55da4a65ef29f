'use strict';
const { Sup, engine, label } = require('./agents/index.js');

function supervise(request) {
  return new Sup({ label }).execute(request);
}

function currentEngine() {
  return engine();
}

module.exports = { supervise, currentEngine };
