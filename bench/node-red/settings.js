// Node-RED for the gateway benchmark's peer (bench/gateway-peer.sh): loopback only, no editor, plain
// credentials in the generated flows_cred.json of a local folder (.local/bench/node-red, never committed).
module.exports = {
  uiHost: "127.0.0.1",
  uiPort: Number(process.env.NODE_RED_PORT || 5095),
  flowFile: "flows.json",
  credentialSecret: false,
  httpAdminRoot: false,
  logging: { console: { level: "info", metrics: false, audit: false } }, // info: the script waits for "Connected to broker"
};
