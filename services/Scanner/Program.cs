using Bpdp.Platform.Hosting;
using Bpdp.Scanner;

var builder = WebApplication.CreateBuilder(args);
builder.AddBpdpService("scanner", bus => bus.AddScannerStage());
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
