// As in typescript@7.0.2: the package's main export carries the version and no compiler API.
const { version } = require('../package.json');
exports.version = version;
exports.versionMajorMinor = '7.0';
