/** Writes the stack files' editor schema (schema/stack-config.schema.json) from the settings' schema. */
import * as fs from "fs";
import * as path from "path";
import { EDITOR_SCHEMA_PATH, stackFileSchema } from "../config/editorSchema";

const file = path.join(__dirname, "..", EDITOR_SCHEMA_PATH);
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, `${JSON.stringify(stackFileSchema(), null, 4)}\n`);
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
