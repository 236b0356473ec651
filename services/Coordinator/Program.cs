using Bpdp.Coordinator;
using Bpdp.Platform.Hosting;

var builder = WebApplication.CreateBuilder(args);
var store = builder.Configuration.GetValue("Coordinator:Store", SagaStoreKind.InMemory);
builder.AddBpdpService("coordinator", bus => bus.AddCoordinatorStage(store));
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
