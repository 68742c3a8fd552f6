// open311 parses XML with this only in XML mode, which these tests do not use.
exports.parseXml = function () {
  throw new Error('sparkxml stand-in: XML mode is not used by these tests');
};
