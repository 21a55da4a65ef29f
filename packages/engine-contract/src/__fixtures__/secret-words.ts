/** Every word that makes a key secret wherever it stands in the key (see `isSecretKey`). */
export const SECRET_WORDS = [
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'authorization',
  'cookie',
  'privatekey',
  'credential',
  'connectionstring',
  'jwt',
];
