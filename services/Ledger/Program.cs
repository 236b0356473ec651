using Bpdp.Ledger;
using Bpdp.Ledger.Api;
using Bpdp.Platform.Hosting;

// appsettings.json is read from beside the binary, wherever the service is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddBpdpService("ledger", bus => bus.AddLedgerStage());
var app = builder.Build();
app.MapBpdpEndpoints();
app.MapLedgerEndpoints();
app.Run();
