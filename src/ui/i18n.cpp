#include "ui/i18n.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"

namespace kervan::ui {
namespace {

struct Entry {
  const char* key;
  const char* tr;
  const char* en;
};

// Keep keys grouped by view; the English text is the reference wording.
constexpr Entry kCatalog[] = {
    {"app.title", "Kervan", "Kervan"},
    {"menu.language", "Dil", "Language"},
    {"status.saving", "Kaydediliyor…", "Saving…"},
    {"status.saved", "Tüm değişiklikler kaydedildi", "All changes saved"},
    {"status.save_failed", "Kaydedilemedi", "Could not save"},
    {"status.memory_only", "Tarayıcı depolaması yok: veriler yalnızca bellekte", "No browser storage: data lives in memory only"},

    {"leads.title", "Potansiyel müşteriler", "Leads"},
    {"leads.search", "Ara", "Search"},
    {"leads.search_hint", "Ad, firma, e-posta, telefon… (Ctrl+F)", "Name, company, e-mail, phone… (Ctrl+F)"},
    {"leads.status_filter", "Durum", "Status"},
    {"leads.all_statuses", "Tümü", "All"},
    {"table.count", "%s / %s kayıt", "%s of %s records"},
    {"table.empty", "Henüz kayıt yok. Sağdaki formla ilk kaydı ekleyin.", "Nothing here yet. Add the first record with the form on the right."},
    {"table.no_match", "Aramaya uyan kayıt yok.", "Nothing matches the search."},
    {"tab.leads", "Potansiyel müşteriler", "Leads"},
    {"tab.booth", "Fuar standı", "Booth"},
    {"tab.contacts", "Kişiler", "Contacts"},
    {"tab.companies", "Firmalar", "Companies"},

    {"field.name", "Ad Soyad", "Full name"},
    {"field.company", "Firma", "Company"},
    {"field.title", "Unvan", "Title"},
    {"field.email", "E-posta", "E-mail"},
    {"field.phone", "Telefon", "Phone"},
    {"field.city", "Şehir", "City"},
    {"field.country", "Ülke", "Country"},
    {"field.source", "Kaynak", "Source"},
    {"field.event", "Etkinlik", "Event"},
    {"field.notes", "Notlar", "Notes"},
    {"field.owner", "Sorumlu", "Owner"},
    {"field.status", "Durum", "Status"},
    {"field.created_at", "Oluşturma", "Created"},
    {"field.website", "Web sitesi", "Website"},
    {"field.interest", "İlgi alanı", "Interest"},
    {"field.tags", "Etiketler", "Tags"},
    {"field.consent", "İzin (KVKK)", "Consent"},
    {"field.emails", "E-postalar", "E-mails"},
    {"field.phones", "Telefonlar", "Phones"},
    {"field.tax_office", "Vergi dairesi", "Tax office"},
    {"field.tax_number", "Vergi no", "Tax number"},
    {"field.address", "Adres", "Address"},
    {"lists.deal_lost_reason", "Kaybetme nedenleri", "Reasons deals are lost"},
    {"field.company_id", "Firma", "Company"},

    {"lead.qualify", "Nitelikli", "Qualify"},
    {"lead.disqualify", "Niteliksiz…", "Disqualify…"},
    {"lead.reopen", "Yeniden aç", "Reopen"},
    {"lead.convert", "Dönüştür…", "Convert…"},
    {"lead.qualified_done", "Nitelikli olarak işaretlendi", "Marked as qualified"},
    {"lead.disqualified_done", "Niteliksiz olarak işaretlendi", "Marked as unqualified"},
    {"lead.reopened_done", "Yeniden açıldı", "Reopened"},
    {"lead.disqualify_reason", "Neden?", "Why?"},
    {"lead.converted_note", "Dönüştürüldü: bu kayıt artık yalnızca okunur.", "Converted: this lead is now read-only."},
    {"convert.title", "Kişi ve firmaya dönüştür", "Convert into a contact and a company"},
    {"convert.contact", "Kişi", "Contact"},
    {"convert.company", "Firma", "Company"},
    {"convert.link", "Bağla", "Link"},
    {"convert.new_contact", "Yeni kişi", "New contact"},
    {"convert.new_company", "Yeni firma", "New company"},
    {"convert.no_company", "Firma yok (bireysel)", "No company (individual)"},
    {"convert.done", "Dönüştürüldü", "Converted"},
    {"convert.open_deal", "Fırsat da aç", "Open a deal too"},
    {"link.deal", "Fırsat", "Deal"},
    {"link.activity", "Etkinlik", "Activity"},
    {"link.contact", "Kişi", "Contact"},
    {"link.company", "Firma", "Company"},
    {"link.source_lead", "Kaynak kayıt", "Source lead"},
    {"dup.title", "Olası mükerrer kayıtlar", "Possible duplicates"},
    {"dup.none", "Benzer kayıt yok.", "No similar records."},
    {"dup.attach", "Bu kayda ekle", "Add to this one"},
    {"dup.merge_here", "Buraya birleştir", "Merge into this"},
    {"dup.merged", "Birleştirildi", "Merged"},
    {"dup.confirm_create", "Benzer kayıtlar var. Yine de oluşturmak için tekrar Kaydet'e basın.",
     "Similar records exist. Press Save again to create it anyway."},
    {"booth.visitor", "Ziyaretçi", "Visitor"},
    {"booth.counts", "Bu etkinlikte: %s · Bugün: %s", "This event: %s · Today: %s"},
    {"booth.attached", "Mevcut kayda eklendi: %s", "Added to the existing lead: %s"},
    {"booth.conflicts", "Farklı değerler korunmadı:", "Different values not taken:"},
    {"booth.hint", "Tab: sonraki alan · Enter: kaydet · F2: benzer kayda ekle · Esc: temizle",
     "Tab: next field · Enter: save · F2: add to the matching lead · Esc: clear"},
    {"reason.same_email", "aynı e-posta", "same e-mail"},
    {"reason.same_phone", "aynı telefon", "same phone"},
    {"reason.same_name", "aynı ad", "same name"},
    {"reason.similar_name", "benzer ad", "similar name"},
    {"reason.same_company", "aynı firma", "same company"},
    {"reason.similar_company", "benzer firma", "similar company"},
    {"reason.same_company_domain", "aynı firma alan adı", "same company domain"},
    {"reason.same_city", "aynı şehir", "same city"},
    {"reason.same_tax_number", "aynı vergi no", "same tax number"},
    {"entity.lead", "Kayıt", "Lead"},
    {"entity.contact", "Kişi", "Contact"},
    {"entity.company", "Firma", "Company"},
    {"contact.new", "Yeni kişi", "New contact"},
    {"contact.edit", "Kişiyi düzenle", "Edit contact"},
    {"company.new", "Yeni firma", "New company"},
    {"company.edit", "Firmayı düzenle", "Edit company"},
    {"company.delete_question", "Bu firmanın %d kişisi var. Ne olsun?", "This company has %d contact(s). What should happen to them?"},
    {"company.delete_unlink", "Firmayı sil, kişiler kalsın", "Delete, keep the contacts"},
    {"company.delete_with_contacts", "Kişilerle birlikte sil", "Delete with the contacts"},
    {"form.saved_plain", "Kaydedildi", "Saved"},
    {"tab.deals", "Fırsatlar", "Deals"},
    {"tab.my_day", "Günüm", "My day"},
    {"menu.pipelines", "Süreçler ve kurlar…", "Pipelines and rates…"},
    {"pipes.title", "Satış süreçleri ve döviz kurları", "Pipelines and exchange rates"},
    {"pipes.stale_days", "Bekleme (gün)", "Stale after (days)"},
    {"pipes.deals", "Fırsat", "Deals"},
    {"pipes.remove_where", "Bu aşamadaki fırsatlar nereye gitsin?", "Where should this stage's deals go?"},
    {"pipes.remove", "Aşamayı kaldır", "Remove the stage"},
    {"pipes.new_stage", "Yeni aşama", "New stage"},
    {"pipes.new_step", "Yeni adım", "New step"},
    {"pipes.add_required", "Zorunlu ekle", "Add as required"},
    {"pipes.new_pipeline", "+ Süreç", "+ Pipeline"},
    {"pipes.pipeline_name", "Süreç adı", "Pipeline name"},
    {"pipes.rates", "Döviz kurları", "Exchange rates"},
    {"pipes.base_currency", "Ana para birimi", "Base currency"},
    {"pipes.set_rate", "Kuru kaydet", "Set rate"},
    {"day.title", "Bugün ve gecikenler", "Today and overdue"},
    {"day.hint", "↑/↓ seç · Enter: tamamla (varsa sonraki adımı da planlar)", "↑/↓ select · Enter: complete (and schedule the follow-up, if given)"},
    {"day.nothing", "Bugün için yapılacak yok.", "Nothing due today."},
    {"day.follow_up", "Sonraki adım", "Follow-up"},
    {"day.follow_up_hint", "Tamamlarken planlanacak iş (isteğe bağlı)", "Scheduled when completing (optional)"},
    {"day.follow_up_due", "Sonraki adım zamanı", "Follow-up time"},
    {"day.complete", "Tamamla", "Complete"},
    {"day.completed", "Tamamlandı", "Completed"},
    {"day.bad_time", "Zaman 14:30, 2026-12-01 veya 2026-12-01 14:30 biçiminde olmalı", "Time must look like 14:30, 2026-12-01 or 2026-12-01 14:30"},
    {"day.new_task", "Yeni görev", "New task"},
    {"day.new_due", "Görev zamanı", "Task time"},
    {"day.subject", "Konu", "Subject"},
    {"day.add", "Ekle", "Add"},
    {"day.deals_without_step", "Sonraki adımı olmayan açık fırsatlar", "Open deals without a next step"},
    {"day.all_planned", "Her açık fırsatın bir sonraki adımı var.", "Every open deal has a next step."},
    {"activity_type.call", "Arama", "Call"},
    {"activity_type.meeting", "Toplantı", "Meeting"},
    {"activity_type.task", "Görev", "Task"},
    {"activity_type.email", "E-posta", "E-mail"},
    {"activity_type.note", "Not", "Note"},
    {"deals.no_pipeline", "Henüz satış süreci yok.", "No pipeline yet."},
    {"deals.new", "Yeni fırsat", "New deal"},
    {"deals.name", "Fırsat adı", "Deal name"},
    {"deals.amount", "Tutar", "Amount"},
    {"deals.currency", "Para birimi", "Currency"},
    {"deals.expected_close", "Beklenen kapanış", "Expected close"},
    {"deals.probability", "Olasılık", "Probability"},
    {"deals.override", "elle", "set by hand"},
    {"deals.weighted", "Ağırlıklı", "Weighted"},
    {"deals.stale", "Bekliyor", "Stale"},
    {"deals.no_next_step", "Sonraki adım yok", "No next step"},
    {"deals.next", "Sonraki:", "Next:"},
    {"deals.next_step", "Sonraki adım", "Next step"},
    {"deals.zone_won", "Kazanıldı", "Won"},
    {"deals.zone_lost", "Kaybedildi", "Lost"},
    {"deals.final_amount", "Son tutar", "Final amount"},
    {"deals.won_button", "Kazanıldı olarak kapat", "Close as won"},
    {"deals.lost_button", "Kaybedildi olarak kapat", "Close as lost"},
    {"deals.lost_reason", "Neden kaybedildi?", "Why was it lost?"},
    {"deals.won_done", "Kazanıldı", "Won"},
    {"deals.lost_done", "Kaybedildi", "Lost"},
    {"deals.moved", "Aşama değişti", "Stage changed"},
    {"deals.move_anyway", "Yine de ilerlet", "Move anyway"},
    {"deals.bad_amount", "Tutar bir sayı olmalı (örn. 1500,50)", "The amount must be a number (e.g. 1500.50)"},
    {"deals.reopen", "Yeniden aç", "Reopen"},
    {"deals.history", "Aşama geçmişi", "Stage history"},
    {"deals.checklist", "Kontrol listesi", "Checklist"},
    {"deals.activities", "Etkinlikler", "Activities"},
    {"deals.board", "Pano", "Board"},
    {"deals.list", "Liste", "List"},
    {"deals.stage", "Aşama", "Stage"},
    {"deals.plan_step", "Planla", "Plan"},
    {"deal_status.open", "Açık", "Open"},
    {"deal_status.won", "Kazanıldı", "Won"},
    {"deal_status.lost", "Kaybedildi", "Lost"},
    {"menu.lists", "Listeler…", "Lists…"},
    {"lists.title", "Düzenlenebilir listeler", "Editable lists"},
    {"lists.lead_source", "Kaynaklar", "Lead sources"},
    {"lists.disqualify_reason", "Niteliksiz olma nedenleri", "Disqualification reasons"},
    {"lists.archived", "Arşiv", "Archived"},
    {"lists.new_value", "Yeni değer", "New value"},
    {"lists.add", "Ekle", "Add"},

    {"status.new", "Yeni", "New"},
    {"status.working", "Çalışılıyor", "Working"},
    {"status.qualified", "Nitelikli", "Qualified"},
    {"status.unqualified", "Niteliksiz", "Unqualified"},
    {"status.converted", "Dönüştürüldü", "Converted"},

    {"form.new", "Yeni potansiyel müşteri", "New lead"},
    {"form.edit", "Kaydı düzenle", "Edit lead"},
    {"form.save", "Kaydet", "Save"},
    {"form.clear", "Temizle", "Clear"},
    {"form.new_button", "Yeni kayıt", "New lead"},
    {"form.delete", "Sil", "Delete"},
    {"form.confirm_delete", "Bu kayıt silinsin mi?", "Delete this lead?"},
    {"form.cancel", "Vazgeç", "Cancel"},
    {"form.hint", "Tab: sonraki alan · Enter: kaydet · Esc: temizle", "Tab: next field · Enter: save · Esc: clear"},
    {"form.saved", "Kaydedildi: %s", "Saved: %s"},
    {"form.deleted", "Silindi", "Deleted"},
    {"form.error", "Hata", "Error"},
    {"form.need_name", "Ad Soyad veya Firma gerekli", "A name or a company is required"},
};

Language g_language = Language::en;

const std::unordered_map<std::string_view, const Entry*>& index() {
  static const auto map = [] {
    std::unordered_map<std::string_view, const Entry*> m;
    for (const auto& e : kCatalog) m.emplace(e.key, &e);
    return m;
  }();
  return map;
}

std::string group_digits(int64_t value, char separator) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count && count % 3 == 0) out.insert(out.begin(), separator);
    out.insert(out.begin(), *it);
    ++count;
  }
  return value < 0 ? "-" + out : out;
}

}  // namespace

Language language_from_code(std::string_view code) {
  return code.size() >= 2 && (code[0] == 't' || code[0] == 'T') && (code[1] == 'r' || code[1] == 'R') ? Language::tr
                                                                                                      : Language::en;
}

const char* language_code(Language language) { return language == Language::tr ? "tr" : "en"; }

void set_language(Language language) { g_language = language; }
Language current_language() { return g_language; }

const char* T(std::string_view key) {
  auto it = index().find(key);
  if (it == index().end()) {
    // Kept alive here: the caller may have passed a temporary.
    static std::unordered_map<std::string, std::string> missing;
    auto [pos, inserted] = missing.try_emplace(std::string(key), std::string(key));
    return pos->second.c_str();
  }
  return g_language == Language::tr ? it->second->tr : it->second->en;
}

std::string format_date_time(std::string_view iso, int utc_offset_minutes) {
  auto ms = parse_iso8601(iso);
  if (!ms) return {};
  std::string local = format_iso8601(*ms + static_cast<int64_t>(utc_offset_minutes) * 60000);
  // local is "YYYY-MM-DDTHH:MM:SS.mmmZ"
  std::string year = local.substr(0, 4), month = local.substr(5, 2), day = local.substr(8, 2);
  std::string time = local.substr(11, 5);
  if (g_language == Language::tr) return day + "." + month + "." + year + " " + time;
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int m = std::stoi(month);
  std::string d = day[0] == '0' ? day.substr(1) : day;
  return std::string(kMonths[static_cast<std::size_t>(m - 1)]) + " " + d + ", " + year + " " + time;
}

std::string format_count(int64_t value) { return group_digits(value, g_language == Language::tr ? '.' : ','); }

}  // namespace kervan::ui
