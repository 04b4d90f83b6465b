import HTTP

/// The frame every server-rendered page shares with `public/index.html`: head
/// (one stylesheet, scripts only where a page needs them), a skip link, the
/// site navigation with a small search form, `main` and a footer.
///
/// Pages are complete without JavaScript; scripts only add to them (the
/// experiment forms). Styles and scripts come from `public/assets/` as files,
/// never inline, so the Content-Security-Policy stays `'self'` only.
struct PageLayout {
  /// Sections of the site, for `aria-current` in the navigation.
  enum Section { case search, devices, jobs, none }

  var title: String
  var description: String
  var section: Section = .none
  /// Module scripts under `/assets/`, e.g. `["experiment.js"]`.
  var scripts: [String] = []

  /// The whole document around `main`'s content.
  func render(_ main: (inout HTML) -> Void) -> String {
    var html = HTML()
    html.raw("<!doctype html>\n")
    html.element("html", ["lang": "en"]) { html in
      html.element("head") { head in
        head.void("meta", ["charset": "utf-8"])
        head.void("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
        head.void("meta", ["name": "color-scheme", "content": "light dark"])
        head.element("title", text: "\(title) · hpclab")
        head.void("meta", ["name": "description", "content": description])
        head.void("link", ["rel": "icon", "href": "/assets/icon.svg", "type": "image/svg+xml"])
        head.void("link", ["rel": "stylesheet", "href": "/assets/site.css"])
        for script in scripts { head.element("script", ["type": "module", "src": "/assets/\(script)"]) { _ in } }
      }
      html.element("body") { body in
        body.link("#main", text: "Skip to content", ["class": "skip"])
        header(&body)
        body.element("main", ["id": "main"], main)
        body.element("footer", ["class": "site"]) { footer in
          footer.element("p") { p in
            p.text("hpclab: HPC questions, notes and experiments. Every page is also JSON: ")
            p.element("code", text: "curl -H 'Accept: application/json' URL")
            p.text(".")
          }
        }
      }
    }
    return html.output
  }

  /// A 200 (or `status`) `text/html` response of the page.
  func response(status: HTTPStatus = .ok, _ main: (inout HTML) -> Void) -> HTTPResponse {
    HTTPResponse(status: status, headers: ["Content-Type": "text/html; charset=utf-8"], bytes: Array(render(main).utf8))
  }

  private func header(_ html: inout HTML) {
    html.element("header", ["class": "site"]) { header in
      header.element("nav", ["aria-label": "Site"]) { nav in
        nav.link("/", text: "hpclab", ["class": "brand"])
        nav.element("ul") { list in
          for (href, label, item) in [("/", "Search", Section.search), ("/devices", "Devices", .devices), ("/jobs", "Jobs", .jobs)] {
            list.element("li") { $0.link(href, text: label, ["aria-current": item == section ? "page" : nil]) }
          }
        }
      }
      if section != .search {
        header.element("form", ["class": "mini-search", "role": "search", "action": "/", "method": "get"]) { form in
          form.element("label", ["for": "site-q", "class": "visually-hidden"], text: "Search questions, keywords and tables")
          form.void("input", ["id": "site-q", "name": "q", "type": "search", "placeholder": "Search…", "autocomplete": "off"])
          form.element("button", ["type": "submit"], text: "Search")
        }
      }
    }
  }
}
