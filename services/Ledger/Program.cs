using Bpdp.Ledger;
using Bpdp.Ledger.Api;
using Bpdp.Platform.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddBpdpService("ledger", bus => bus.AddLedgerStage());
var app = builder.Build();
app.MapBpdpEndpoints();
app.MapLedgerEndpoints();
app.Run();
