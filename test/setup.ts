// Tests run in Node: give the core its Node services (file storage, file:// models, progress on
// stderr, wasm binary paths) as `import "sparsekit/node"` does for users.
import { installNodePlatform } from "../src/nodePlatform.js";

installNodePlatform();
