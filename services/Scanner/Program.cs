using Bpdp.Scanner;
using Bpdp.Platform.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddBpdpService("scanner", bus => bus.AddScannerStage());
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
