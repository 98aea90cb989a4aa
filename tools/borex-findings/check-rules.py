#!/usr/bin/env python3
"""Issue 15 item 6: selection rules for the deletion check, simulated on check-candidates.ts output.

For every item and seed, each rule picks one map among R (the BOREx map), P (its prior) and the
prior heads H<q>: 'R', 'P', 'H<q>' always that map; 'R|X' keeps X where its check score (the
trapezoid-weighted deletion scores) is strictly lower than R's, else R; 'R|P|H*' / 'R|H*' the lowest
check score among R and those. Prints per rule the mean over seeds of each metric's mean and the
one-sided Wilcoxon p against P per seed (SciPy, zero_method='wilcox', as borex compare), and the
share of item-seeds that kept R.
    python3 tools/borex-findings/check-rules.py OUT0.jsonl [OUT1.jsonl ...]
"""
import json,sys,glob
from scipy.stats import wilcoxon
rows=[json.loads(l) for f in sys.argv[1:] for l in open(f)]
heads=[k for k in rows[0] if k.startswith('H')]
def pick(r,cands):
    best='R'
    for c in cands:
        if r[c]['check']<r[best]['check']: best=c
    return best
rules={'R':lambda r:'R','P':lambda r:'P'}
for h in heads: rules[h]=lambda r,h=h:h
rules['R|P']=lambda r:pick(r,['P'])
for h in heads: rules['R|'+h]=lambda r,h=h:pick(r,[h])
rules['R|P|H*']=lambda r:pick(r,['P']+heads)
rules['R|H*']=lambda r:pick(r,heads)
def p(a,b,alt):
    d=[x-y for x,y in zip(a,b)]
    if all(abs(x)<1e-15 for x in d): return 1.0
    return wilcoxon(a,b,zero_method='wilcox',alternative=alt).pvalue
print('rule | n | ins mean (p per seed) | del mean (p per seed) | F mean (p per seed) | kept R share')
for name,rule in rules.items():
    out=[]
    I=[];D=[];F=[];kr=0;n=0
    ps={'insertion':[],'deletion':[],'fRp':[]}
    for s in (0,1,2):
        rs=[r for r in rows if r['seed']==s]
        ch=[r[rule(r)] for r in rs]; pr=[r['P'] for r in rs]
        kr+=sum(rule(r)=='R' for r in rs); n+=len(rs)
        for m,alt in (('insertion','greater'),('deletion','less'),('fRp','greater')):
            ps[m].append(p([c[m] for c in ch],[q[m] for q in pr],alt))
        I.append(sum(c['insertion'] for c in ch)/len(ch));D.append(sum(c['deletion'] for c in ch)/len(ch));F.append(sum(c['fRp'] for c in ch)/len(ch))
    f=lambda v,pp:'%.4f (%s)'%(sum(v)/3,' '.join('%.3g'%x for x in pp))
    print(name,'|',n,'|',f(I,ps['insertion']),'|',f(D,ps['deletion']),'|',f(F,ps['fRp']),'|','%.2f'%(kr/n))
