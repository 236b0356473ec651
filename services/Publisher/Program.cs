using Bpdp.Platform.Hosting;
using Bpdp.Publisher;

var builder = WebApplication.CreateBuilder(args);
builder.AddBpdpService("publisher", bus => bus.AddPublisherStage());
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
