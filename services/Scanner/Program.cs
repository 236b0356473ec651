using Bpdp.Platform.Hosting;
using Bpdp.Scanner;

// appsettings.json is read from beside the binary, wherever the service is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddBpdpService("scanner", bus => bus.AddScannerStage());
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
