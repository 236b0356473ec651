using Bpdp.Platform.Hosting;
using Bpdp.Publisher;

var builder = WebApplication.CreateBuilder(args);
var queue = builder.Configuration[$"{PublisherOptions.Section}:Queue"] ?? "publisher";
builder.AddBpdpService("publisher", bus => bus.AddPublisherStage(queue));
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
