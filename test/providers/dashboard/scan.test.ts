/**
 * The fast daily-line scanner (src/providers/dashboard/scan.ts) reads a line exactly as JSON.parse + toCostRecord
 * do, or declines it (returns false) so that the general reader decides — never a different record, never a line
 * the general reader would refuse.
 */
import { describe, expect, test } from "bun:test";
import { DailyLineScanner } from "../../../src/providers/dashboard/scan.ts";
import { Interner, toCostRecord } from "../../../src/providers/dashboard/map.ts";

const usual =
  '{"aggregation_id":"65f1a2b3000000000000002a","amount":0.123456,"consumption_date":"2026-10-03T00:00:00+02:00","consumption_type":"EL","contract":1012345678,' +
  '"etl_updated":"2026-10-04T03:05:00","product":"OTC_S3M_LI","product_description":"s3.medium Linux","project_id":"0a1b2c","quantity":24,"quantity_type":"h",' +
  '"region":"EU-DE","resource_id":"6f1e0c5a-1111-2222-3333-444455556666","status":"NEW"}';

/** The general reader's answer: the record, or "error". */
function general(line: string): unknown {
  try {
    return { ...toCostRecord(JSON.parse(line), "amount", new Interner(), false) };
  } catch {
    return "error";
  }
}

function fast(line: string, scanner = new DailyLineScanner()): unknown {
  return scanner.scanText(line) ? { ...scanner.record } : "declined";
}

/** Either the scanner declines, or it gives exactly what the general reader gives (which then must not fail). */
function agrees(line: string, scanner?: DailyLineScanner): void {
  const f = fast(line, scanner);
  if (f === "declined") return;
  expect(f).toEqual(general(line) as object);
}

describe("DailyLineScanner", () => {
  test("reads the usual line as the general reader does", () => {
    expect(fast(usual)).toEqual(general(usual) as object);
    expect(fast(usual)).toMatchObject({ date: "2026-10-03", resourceId: "6f1e0c5a-1111-2222-3333-444455556666", amount: 0.123456, region: "EU-DE" });
  });

  const accepted: Record<string, string> = {
    "keys in another order": '{"resource_id":"r1","status":"NEW","amount":5,"product":"P","consumption_date":"2026-10-03"}',
    "exponent numbers": '{"amount":1.5E-3,"consumption_date":"2026-10-03","resource_id":"r","contract":2e+9,"quantity":-0.0e0}',
    "negative zero and integers": '{"amount":-0,"consumption_date":"2026-10-03","resource_id":"r"}',
    "a big integer amount": '{"amount":123456789012345678901234567890,"consumption_date":"2026-10-03","resource_id":"r"}',
    "spaces, tabs and CRs between tokens": '  { "amount" :\t1.25 ,\r"consumption_date": "2026-10-03" , "resource_id":"r" }  ',
    "a duplicate key: the last wins": '{"amount":1,"amount":2,"consumption_date":"2026-10-03","resource_id":"a","resource_id":"b"}',
    "other fields of any scalar type": '{"amount":1,"consumption_date":"2026-10-03","x":null,"y":true,"z":false,"w":"","resource_id":"r"}',
    "no resource id (an empty one, as before)": '{"amount":1,"consumption_date":"2026-10-03"}',
    "a date without a time": '{"amount":1,"consumption_date":"2026-10-03","resource_id":"r"}',
  };
  for (const [name, line] of Object.entries(accepted)) {
    test(`reads: ${name}`, () => {
      expect(fast(line)).not.toBe("declined");
      expect(fast(line)).toEqual(general(line) as object);
    });
  }

  const declined: Record<string, string> = {
    "an escaped quote in an id": '{"amount":1,"consumption_date":"2026-10-03","resource_id":"a\\"b"}',
    "a unicode escape in a value": '{"amount":1,"consumption_date":"2026-10-03","resource_id":"caf\\u00e9"}',
    "an escape in a key": '{"\\u0061mount":1,"consumption_date":"2026-10-03","resource_id":"r"}',
    "nested tags": '{"amount":1,"consumption_date":"2026-10-03","resource_id":"r","tags":{"a":"b"}}',
    "an array value": '{"amount":1,"consumption_date":"2026-10-03","resource_id":"r","x":[1,2]}',
    "null project id": '{"amount":1,"consumption_date":"2026-10-03","resource_id":"r","project_id":null}',
    "a numeric resource id": '{"amount":1,"consumption_date":"2026-10-03","resource_id":42}',
    "a string amount": '{"amount":"1.5","consumption_date":"2026-10-03","resource_id":"r"}',
    "a null amount": '{"amount":null,"consumption_date":"2026-10-03","resource_id":"r"}',
    "no amount": '{"consumption_date":"2026-10-03","resource_id":"r"}',
    "an infinite amount": '{"amount":1e400,"consumption_date":"2026-10-03","resource_id":"r"}',
    "a service error": '{"detail":"Internal error"}',
    "an empty object": "{}",
    "a malformed date": '{"amount":1,"consumption_date":"03.10.2026","resource_id":"r"}',
    "a leading zero": '{"amount":01,"consumption_date":"2026-10-03","resource_id":"r"}',
    "a bare dot": '{"amount":1.,"consumption_date":"2026-10-03","resource_id":"r"}',
    "a leading dot": '{"amount":.5,"consumption_date":"2026-10-03","resource_id":"r"}',
    "a plus sign": '{"amount":+1,"consumption_date":"2026-10-03","resource_id":"r"}',
    "NaN": '{"amount":NaN,"consumption_date":"2026-10-03","resource_id":"r"}',
    "a trailing comma": '{"amount":1,"consumption_date":"2026-10-03","resource_id":"r",}',
    "trailing garbage": '{"amount":1,"consumption_date":"2026-10-03","resource_id":"r"}x',
    "two objects": '{"amount":1,"consumption_date":"2026-10-03","resource_id":"r"}{}',
    "a cut-off line": usual.slice(0, 200),
    "unescaped unicode (decoded and read by the general reader)": '{"amount":1,"consumption_date":"2026-10-03","resource_id":"é-日本-😀","product":"Ünïcode"}',
    "a raw tab inside a string": '{"amount":1,"consumption_date":"2026-10-03","resource_id":"a\tb"}',
    "single quotes": "{'amount':1,'consumption_date':'2026-10-03'}",
    "an array line": '[{"amount":1,"consumption_date":"2026-10-03"}]',
    "a misspelt literal": '{"amount":1,"consumption_date":"2026-10-03","x":nul}',
  };
  for (const [name, line] of Object.entries(declined)) {
    test(`declines: ${name}`, () => {
      expect(fast(line)).toBe("declined");
    });
  }

  test("a line inside a larger text: only its range is read, never the next line", () => {
    const s = new DailyLineScanner();
    const a = '{"amount":1,"consumption_date":"2026-10-03","resource_id":"a"';
    const text = new TextEncoder().encode(`${a}\n}\n${usual}\n`);
    expect(s.scan(text, 0, a.length)).toBe(false);
    const from = a.length + 3;
    expect(s.scan(text, from, from + usual.length)).toBe(true);
    expect({ ...s.record } as object).toEqual(general(usual) as object);
  });

  test("amounts: the same double as JSON.parse for every way of writing a number", () => {
    let seed = 5;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const s = new DailyLineScanner();
    const forms = (x: number) => [String(x), x.toFixed(Math.floor(rnd() * 12)), x.toExponential(Math.floor(rnd() * 17)), x.toPrecision(1 + Math.floor(rnd() * 21)), `${Math.round(x)}`];
    for (let k = 0; k < 5000; k++) {
      const x = (rnd() - 0.3) * 10 ** Math.floor(rnd() * 12 - 6);
      for (const n of [...forms(x), "0.1", "0.30000000000000004", "9007199254740993", "123456789012345.6", "1.00000000000000011102230246251565404236316680908203125", "-0.000"]) {
        const line = `{"amount":${n},"consumption_date":"2026-10-03","resource_id":"r"}`;
        expect(s.scanText(line)).toBe(true);
        expect(Object.is(s.record.amount, JSON.parse(n))).toBe(true);
      }
    }
  });

  test("one scanner over many lines: values reused from the previous line are still each line's own", () => {
    const s = new DailyLineScanner();
    const lines = [
      usual,
      usual.replace("6f1e0c5a-1111", "6f1e0c5a-9999").replace("OTC_S3M_LI", "OTC_EVS_SSD"),
      usual.replace("2026-10-03T", "2026-10-04T"),
      usual.replace('"project_id":"0a1b2c",', ""),
      usual.replace("6f1e0c5a-1111-2222-3333-444455556666", "6f1e0c5a-1111-2222-3333-44445555666"),
      usual,
    ];
    for (const line of lines) expect(fast(line, s)).toEqual(general(line) as object);
  });

  test("random damage to lines: the scanner declines or agrees with the general reader", () => {
    let seed = 11;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    const alphabet = '{}[]",:.-+eE0123456789 \\tnulrsa';
    const s = new DailyLineScanner();
    for (let k = 0; k < 4000; k++) {
      let line = k % 2 === 0 ? usual : accepted[Object.keys(accepted)[rnd(Object.keys(accepted).length)]!]!;
      for (let m = 1 + rnd(3); m > 0; m--) {
        const at = rnd(line.length);
        const op = rnd(3);
        const ch = alphabet[rnd(alphabet.length)]!;
        line = op === 0 ? line.slice(0, at) + line.slice(at + 1) : op === 1 ? line.slice(0, at) + ch + line.slice(at) : line.slice(0, at) + ch + line.slice(at + 1);
      }
      agrees(line, s);
    }
  });
});
