// Texts the int8 converter runs through the fp32 model to measure the range of each
// projection's input channels (see calibrate.ts). Written for this purpose: short pieces
// of code in the languages the chunker reads, as the indexer embeds them (path, kind and
// name first), and requests worded as users and commit subjects word them. None comes from
// the retrieval benchmarks' corpora or queries.
export const calibrationTexts: readonly string[] = [
  'src/cache/lru.ts function evict\nexport function evict(cache: Map<string, Entry>, limit: number): void {\n  while (cache.size > limit) {\n    const oldest = cache.keys().next().value;\n    if (oldest === undefined) return;\n    cache.delete(oldest);\n  }\n}',
  'lib/http/retry.js function withRetry\nasync function withRetry(operation, { attempts = 3, delayMs = 200 } = {}) {\n  let lastError;\n  for (let attempt = 0; attempt < attempts; attempt++) {\n    try { return await operation(attempt); } catch (error) { lastError = error; await sleep(delayMs * 2 ** attempt); }\n  }\n  throw lastError;\n}',
  'app/models/invoice.py class Invoice\nclass Invoice(BaseModel):\n    number: str\n    lines: list[InvoiceLine]\n\n    def total(self) -> Decimal:\n        return sum((line.quantity * line.unit_price for line in self.lines), Decimal("0"))\n\n    def is_overdue(self, today: date) -> bool:\n        return self.due_date < today and not self.paid',
  'internal/store/kv.go func (s *Store) Get\nfunc (s *Store) Get(ctx context.Context, key string) ([]byte, error) {\n\ts.mu.RLock()\n\tdefer s.mu.RUnlock()\n\tvalue, ok := s.items[key]\n\tif !ok {\n\t\treturn nil, fmt.Errorf("key %q: %w", key, ErrNotFound)\n\t}\n\treturn value, nil\n}',
  'src/parser/tokens.rs fn next_token\npub fn next_token(&mut self) -> Result<Token, LexError> {\n    self.skip_whitespace();\n    match self.peek() {\n        Some(c) if c.is_ascii_digit() => self.number(),\n        Some(\'"\') => self.string(),\n        Some(c) => Err(LexError::Unexpected(c, self.position)),\n        None => Ok(Token::Eof),\n    }\n}',
  'src/main/java/com/shop/OrderService.java method placeOrder\npublic Order placeOrder(Customer customer, List<Item> items) {\n    if (items.isEmpty()) throw new IllegalArgumentException("an order needs at least one item");\n    Order order = new Order(customer, items);\n    repository.save(order);\n    events.publish(new OrderPlaced(order.getId()));\n    return order;\n}',
  'src/buffer.c function buffer_append\nint buffer_append(struct buffer *buf, const char *data, size_t len) {\n    if (buf->len + len > buf->cap) {\n        size_t cap = buf->cap ? buf->cap * 2 : 64;\n        while (cap < buf->len + len) cap *= 2;\n        char *grown = realloc(buf->data, cap);\n        if (!grown) return -1;\n        buf->data = grown; buf->cap = cap;\n    }\n    memcpy(buf->data + buf->len, data, len);\n    buf->len += len;\n    return 0;\n}',
  'components/SearchBox.tsx function SearchBox\nexport function SearchBox({ onSearch }: { onSearch: (query: string) => void }) {\n  const [value, setValue] = useState("");\n  return (\n    <form onSubmit={(event) => { event.preventDefault(); onSearch(value.trim()); }}>\n      <input value={value} onChange={(event) => setValue(event.target.value)} placeholder="Search" />\n    </form>\n  );\n}',
  'config/settings.py function load_settings\ndef load_settings(path: Path) -> dict:\n    """Read the YAML settings file and apply environment overrides."""\n    with path.open() as handle:\n        settings = yaml.safe_load(handle) or {}\n    for key, value in os.environ.items():\n        if key.startswith("APP_"):\n            settings[key[4:].lower()] = value\n    return settings',
  'server/routes/users.js function registerUserRoutes\nmodule.exports = function registerUserRoutes(app) {\n  app.get(\'/users/:id\', async (req, res) => {\n    const user = await db.users.findById(req.params.id);\n    if (!user) return res.status(404).json({ error: \'not found\' });\n    res.json(user);\n  });\n};',
  'cmd/root.go func Execute\nfunc Execute() {\n\tif err := rootCmd.Execute(); err != nil {\n\t\tfmt.Fprintln(os.Stderr, err)\n\t\tos.Exit(1)\n\t}\n}\n\nfunc init() {\n\trootCmd.PersistentFlags().StringVar(&cfgFile, "config", "", "config file")\n}',
  'src/scheduler.rs impl Scheduler\nimpl Scheduler {\n    pub fn spawn<F>(&self, task: F) -> JoinHandle<()> where F: Future<Output = ()> + Send + \'static {\n        let queue = Arc::clone(&self.queue);\n        queue.lock().unwrap().push_back(Box::pin(task));\n        self.wake_one();\n        JoinHandle::new()\n    }\n}',
  'tests/test_dates.py function test_parse_iso_week\ndef test_parse_iso_week():\n    assert parse_week("2024-W01") == date(2024, 1, 1)\n    with pytest.raises(ValueError):\n        parse_week("2024-W54")',
  'README.md section Configuration\n## Configuration\n\nSet `DATABASE_URL` to the connection string of your database. The server listens on port 8080 unless `PORT` is set. Logs go to standard output in JSON; set `LOG_LEVEL=debug` for more detail.',
  'src/utils/format.ts function formatBytes\nexport function formatBytes(bytes: number): string {\n  const units = [\'B\', \'KB\', \'MB\', \'GB\'];\n  let value = bytes;\n  let unit = 0;\n  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }\n  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;\n}',
  'lib/queue.rb class JobQueue\nclass JobQueue\n  def initialize(redis)\n    @redis = redis\n  end\n\n  def push(job)\n    @redis.lpush("jobs", JSON.dump(job))\n  end\n\n  def pop(timeout: 5)\n    _, payload = @redis.brpop("jobs", timeout: timeout)\n    payload && JSON.parse(payload)\n  end\nend',
  'src/stream/decoder.ts class LineDecoder\nexport class LineDecoder {\n  private pending = \'\';\n  push(chunk: string): string[] {\n    const lines = (this.pending + chunk).split(/\\r?\\n/);\n    this.pending = lines.pop() ?? \'\';\n    return lines;\n  }\n  flush(): string[] { return this.pending ? [this.pending] : []; }\n}',
  'migrations/0007_add_index.sql\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_created_idx ON orders (customer_id, created_at DESC);\nALTER TABLE orders ADD COLUMN archived boolean NOT NULL DEFAULT false;',
  'fix crash when the config file is empty',
  'add a timeout option to the HTTP client',
  'where is the password hashed before it is stored',
  'handle unicode file names in the upload handler',
  'retry failed webhook deliveries with exponential backoff',
  'parse command line flags for the export command',
  'Support cancelling a running request from the client',
  'escape HTML in error messages shown to users',
  'close the database connection when the worker shuts down',
  'how are duplicate events ignored',
];
