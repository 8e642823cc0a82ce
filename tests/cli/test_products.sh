#!/usr/bin/env bash
# Products as people name them, end to end on the real binary (issue 13): `drugs show PRODUCT`
# prints the release model and its sources, `drugs list --products`, products wherever a compound
# is (simulate, exposure, occupancy, interact, population), an incomplete product is a one-line
# input error, and `reuptake map` (table, CSV, JSON fields of DESIGN.md, heatmap files).
# Usage: test_products.sh BINARY SOURCE_DIR
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/common.sh"

"$bin" drugs show Concerta >"$tmp/c.txt" && grep -q "release model oros" "$tmp/c.txt" &&
  grep -q "^sources:" "$tmp/c.txt" && grep -q "prod_concerta_label_desc" "$tmp/c.txt" &&
  ok "drugs show Concerta prints the release model and its sources" || bad "drugs show Concerta"
"$bin" drugs show effexor-xr --format json >"$tmp/e.json" &&
  json_has "$tmp/e.json" "d['name']=='Effexor XR' and d['kind']=='product' and d['release']['model']=='first_order' and all(s['citation'] for s in d['sources'])" &&
  ok "drugs show effexor-xr (any spelling) gives the product with cited sources" || bad "drugs show effexor-xr"
"$bin" drugs list --products --format json >"$tmp/l.json" &&
  json_has "$tmp/l.json" "len(d['products'])>=34 and {'Concerta','Vyvanse','Adderall XR','Nuvigil'} <= {p['product'] for p in d['products']}" &&
  ok "drugs list --products lists every product" || bad "drugs list --products"

"$bin" simulate Concerta:36mg:qd --days 2 --format json >"$tmp/s.json" &&
  json_has "$tmp/s.json" "any(s['compound']=='methylphenidate' for s in d['series'])" &&
  ok "simulate takes a product" || bad "simulate Concerta"
"$bin" exposure Effexor-XR:150mg:qd --format json >"$tmp/x.json" &&
  json_has "$tmp/x.json" "d['compounds'][0]['compound']=='venlafaxine' and d['compounds'][0]['steady_state']" &&
  ok "exposure takes a product (Effexor-XR)" || bad "exposure Effexor-XR"
"$bin" occupancy Cymbalta:60mg:qd --format json >"$tmp/o.json" &&
  json_has "$tmp/o.json" "any(t['target']=='SERT' and t['mean']>0 for t in d['targets'])" &&
  ok "occupancy takes a product" || bad "occupancy Cymbalta"
"$bin" interact Concerta:36mg:qd --with Paxil:20mg:qd --format json >"$tmp/i.json" &&
  json_has "$tmp/i.json" "d['victim']=='methylphenidate' and d['auc_ratio']>0" &&
  ok "interact Concerta:36mg:qd --with Paxil:20mg:qd" || bad "interact products"
"$bin" population Strattera:40mg:bid --subjects 20 --format json >"$tmp/p.json" &&
  ok "population takes a product" || bad "population Strattera"
expect_input_error "an incomplete product is a one-line input error" simulate Paxil-CR:25mg:qd
"$bin" simulate Paxil-CR:25mg:qd 2>&1 >/dev/null | grep -q "incomplete: Paxil CR gastric-emptying lag" &&
  ok "the incomplete product names its reason" || bad "incomplete reason"
expect_input_error "a product given IV is refused" simulate Concerta:18mg:iv

"$bin" map --format json >"$tmp/m.json" &&
  json_has "$tmp/m.json" "len(d['products'])>=5 and all(set(p)>={'product','compounds','dose_mg','interval_h','occupancy','net_sert_ratio','inhibits'} and set(p['occupancy'])=={'SERT','NET','DAT','H1','M1','alpha1','5-HT2A','5-HT2C'} for p in d['products']) and all(r['reason'] for r in d['not_mapped']) and 'disclaimer' in d" &&
  ok "map JSON has the DESIGN.md fields and names every product it could not map" || bad "map JSON"
! grep -qi "nan" "$tmp/m.json" && ok "map JSON has no NaN" || bad "map NaN"
json_has "$tmp/m.json" "len(d['products'])>=29 and {'Concerta','Paxil','Effexor XR','Wellbutrin XL','Adderall','Focalin XR','Zyban','Elavil'} <= {p['product'] for p in d['products']} and all(('incomplete' in r['reason']) or ('fu is missing' in r['reason']) or ('no sourced usual dose' in r['reason']) for r in d['not_mapped'])" &&
  ok "map maps every product with a sourced usual dose and complete data (29 of 36)" || bad "map coverage"
"$bin" map --class TCA --plot "$tmp/tca.png" >/dev/null 2>&1 && [ -s "$tmp/tca.png" ] &&
  ok "map --class TCA --plot draws one class" || bad "map --class --plot"
"$bin" map --class SNRI --format json >"$tmp/m2.json" &&
  json_has "$tmp/m2.json" "len(d['products'])>=1 and all('SNRI' in p['class'] for p in d['products'])" &&
  ok "map --class SNRI" || bad "map --class"
"$bin" map --dose low --format csv >"$tmp/m.csv" && head -1 "$tmp/m.csv" | grep -q "^product,class,dose_mg,interval_h,SERT,NET,DAT" &&
  ok "map --dose low --format csv" || bad "map csv"
"$bin" map | grep -q "no clinical advice" && ok "map table keeps the disclaimer" || bad "map disclaimer"
"$bin" map --plot "$tmp/map.png" >/dev/null 2>"$tmp/plot.err" &&
  [ "$(head -c 8 "$tmp/map.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] &&
  grep -q "heatmap written to $tmp/map.png" "$tmp/plot.err" &&
  ok "map --plot writes a PNG heatmap and names the file" || bad "map --plot png"
"$bin" map --plot "$tmp/map.svg" >/dev/null 2>&1 && grep -q "<svg" "$tmp/map.svg" && ok "map --plot svg" || bad "map svg"
expect_input_error "map --dose bogus exits 2" map --dose bogus
expect_input_error "map --class with no product exits 2" map --class nosuchclass
expect_input_error "map --plot with an unknown extension exits 2" map --plot "$tmp/map.gif"
[ ! -e "$tmp/map.gif" ] && ok "no file left for a refused plot" || bad "map.gif left"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
