// open311 converts XML submissions with this only in XML mode, which these tests do not use.
exports.toJson = function () {
  throw new Error('xml2json stand-in: XML mode is not used by these tests');
};
