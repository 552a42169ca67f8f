# Prints the C# body of PythonGolden.cs: CPython's own xmlrpc.client output for the test values.
import xmlrpc.client as x, datetime, json
def lit(s):
    out = '"'
    for ch in s:
        if ch == '\\': out += '\\\\'
        elif ch == '"': out += '\\"'
        elif ch == '\n': out += '\\n'
        elif ch == '\r': out += '\\r'
        elif ord(ch) < 32 or ord(ch) > 126: out += '\\u%04x' % ord(ch) if ord(ch) < 0x10000 else '\\U%08x' % ord(ch)
        else: out += ch
    return out + '"'
cases = {
 'Int': 42,
 'NegativeInt': -2147483648,
 'EscapedString': 'a<&>"\' ]]> b',
 'Nil': None,
 'BooleanTrue': True,
 'BooleanFalse': False,
 'NestedArray': [1, 'two', None, [3.5], {}],
 'OrderedStruct': {'name': 'x', 'serial': 7, 'nested': {'b': [], 'a': None}},
 'Doubles': [1.5, 1e20, -0.0, float('inf'), float('-inf'), float('nan'), 0.1, 1e-05, 123456789.123],
 'DateTimeValue': datetime.datetime(2024, 3, 1, 12, 30, 5),
 'EarlyDateTime': datetime.datetime(33, 1, 2, 3, 4, 5),
 'Base64Bytes': bytes(range(100)),
 'EmptyBytes': b'',
 'Unicode': 'Zo\u00eb \u2603 \U0001d11e',
 'Changelog': [['Foo', '1.0', 1700000000, 'new release', 12345], ['bar', None, 1700000001, 'create', 12346]],
 'EmptyArray': [],
 'EmptyStruct': {},
 'CarriageReturn': 'a\r\nb\tc',
}
for k, v in cases.items():
    print(f'    public const string {k} = {lit(x.dumps((v,), methodresponse=True, allow_none=True))};')
print(f'    public const string FaultMethodNotFound = {lit(x.dumps(x.Fault(-32601, "server error; requested method not found"), methodresponse=True, allow_none=True))};')
print(f'    public const string FaultSearch = {lit(x.dumps(x.Fault(-32500, "RuntimeError: PyPI no longer supports <pip search> & co."), methodresponse=True, allow_none=True))};')
print(f'    public const string RequestFromBrief = {lit(x.dumps((1,"a",None,[1,2],{"k":True}), methodname="m", allow_none=True))};')
print(f'    public const string RequestNoParams = {lit(x.dumps((), methodname="changelog_last_serial", allow_none=True))};')
