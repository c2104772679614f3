// A stand-in for a database client: connect() only records that it was called.
let connected = false;

exports.connect = function () {
  connected = true;
};

exports.isConnected = function () {
  return connected;
};
